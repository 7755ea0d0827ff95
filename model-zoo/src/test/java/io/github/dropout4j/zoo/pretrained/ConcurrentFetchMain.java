package io.github.dropout4j.zoo.pretrained;

import io.github.dropout4j.zoo.data.DatasetFile;
import io.github.dropout4j.zoo.data.DownloadOptions;
import io.github.dropout4j.zoo.data.Downloader;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * A second process for {@link PretrainedWeightsTest}: fetches one file into a cache directory and prints where it
 * came from. Arguments: cacheDir mirrorUrl fileName sha256 sizeBytes.
 */
public final class ConcurrentFetchMain {
    private ConcurrentFetchMain() {}

    public static void main(String[] args) throws Exception {
        Downloader.Fetched f = new Downloader(DownloadOptions.defaults())
                .fetch(
                        Path.of(args[0]),
                        List.of(URI.create(args[1])),
                        new DatasetFile(args[2], args[3], Long.parseLong(args[4])));
        System.out.println("fetched " + f.file() + " from " + f.describeSource());
    }
}
