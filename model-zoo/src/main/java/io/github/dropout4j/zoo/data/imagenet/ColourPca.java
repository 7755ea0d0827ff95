package io.github.dropout4j.zoo.data.imagenet;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PCA colour augmentation (Krizhevsky et al. 2012, section 4.1): with {@code p_i}, {@code l_i} the eigenvectors and
 * eigenvalues of the 3x3 covariance of RGB pixel values over the training set, add to every pixel of an image
 * <pre>  [p1 p2 p3] [a1 l1, a2 l2, a3 l3]^T,    a_i ~ N(0, sigma^2), sigma = 0.1,</pre>
 * with the {@code a_i} drawn once per image per presentation. Immutable; eigenvalues ascending, eigenvectors as
 * the columns of {@link #eigenvectors()} ({@code eigenvectors()[row][i]} is component {@code row} of {@code p_i}).
 */
public final class ColourPca {

    /** The paper's standard deviation of the a_i. */
    public static final double PAPER_SIGMA = 0.1;

    private final double[] eigenvalues;
    private final double[][] eigenvectors;

    public ColourPca(double[] eigenvalues, double[][] eigenvectors) {
        if (eigenvalues.length != 3 || eigenvectors.length != 3) {
            throw new IllegalArgumentException("need 3 eigenvalues and a 3x3 eigenvector matrix");
        }
        this.eigenvalues = eigenvalues.clone();
        this.eigenvectors = new double[3][];
        for (int i = 0; i < 3; i++) {
            this.eigenvectors[i] = eigenvectors[i].clone();
        }
    }

    /** Eigen-decomposition of a symmetric 3x3 RGB covariance (ND4J {@code Eigen.symmetricGeneralizedEigenvalues}). */
    public static ColourPca ofCovariance(double[][] covariance) {
        INDArray a = Nd4j.create(covariance).castTo(DataType.DOUBLE);
        INDArray values = Eigen.symmetricGeneralizedEigenvalues(a, true); // a now holds eigenvectors as columns
        double[] l = values.toDoubleVector();
        double[][] p = a.toDoubleMatrix();
        return new ColourPca(l, p);
    }

    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    public double[][] eigenvectors() {
        double[][] c = new double[3][];
        for (int i = 0; i < 3; i++) {
            c[i] = eigenvectors[i].clone();
        }
        return c;
    }

    /** The RGB offset for one presentation of one image: {@code sum_i p_i a_i l_i}, {@code a_i ~ N(0, sigma^2)}. */
    public float[] sampleDelta(RandomGenerator rng, double sigma) {
        double[] a = {rng.nextGaussian() * sigma, rng.nextGaussian() * sigma, rng.nextGaussian() * sigma};
        return delta(a);
    }

    /** {@code sum_i p_i a_i l_i} for given {@code a}. */
    public float[] delta(double[] a) {
        float[] d = new float[3];
        for (int row = 0; row < 3; row++) {
            double s = 0;
            for (int i = 0; i < 3; i++) {
                s += eigenvectors[row][i] * a[i] * eigenvalues[i];
            }
            d[row] = (float) s;
        }
        return d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ColourPca
                && Arrays.equals(eigenvalues, ((ColourPca) o).eigenvalues)
                && Arrays.deepEquals(eigenvectors, ((ColourPca) o).eigenvectors);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(eigenvalues) + Arrays.deepHashCode(eigenvectors);
    }

    @Override
    public String toString() {
        return "ColourPca(eigenvalues=" + Arrays.toString(eigenvalues) + ", eigenvectors="
                + Arrays.deepToString(eigenvectors) + ")";
    }
}
