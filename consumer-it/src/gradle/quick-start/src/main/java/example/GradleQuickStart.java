package example;

/** Runs QuickStartTest's checks without a JUnit runner (Gradle 4.4 cannot run JUnit 5 tests). */
public class GradleQuickStart {
    public static void main(String[] args) throws Exception {
        QuickStartTest test = new QuickStartTest();
        test.quickStartTrainsAMeanNetworkThatPlainDl4jCanLoad();
        test.theLibraryJarIsTheAutomaticModuleIoGithubDropout4jExt();
        System.out.println("Gradle consumer: the README's quick start passed");
    }
}
