package io.github.dropout4j.zoo.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed IDX input fails with an exception naming the file, the offset, the expected and found value. */
class IdxReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsShippedFilesWithTheDeclaredHeader() throws IOException {
        IdxImages images = IdxReader.readImages(TestFiles.shipped("validation-images-idx3-ubyte.gz"));
        assertEquals(1000, images.count());
        assertEquals(28, images.rows());
        assertEquals(28, images.columns());
        IdxLabels labels = IdxReader.readLabels(TestFiles.shipped("validation-labels-idx1-ubyte.gz"));
        assertEquals(1000, labels.count());
    }

    @Test
    void compressionIsDetectedByMagicBytesNotByName() throws IOException {
        byte[] raw = TestFiles.gunzip("test-labels-idx1-ubyte.gz");
        Path rawNamedGz = write("raw-but-named.gz", raw);
        Path gzNamedRaw = write("gzipped-but-named-raw", gzip(raw));
        assertEquals(1000, IdxReader.readLabels(rawNamedGz).count());
        assertEquals(1000, IdxReader.readLabels(gzNamedRaw).count());
    }

    @Test
    void wrongMagicNamesFileExpectedAndFound() throws IOException {
        Path labelsAsImages = write("swapped-idx3-ubyte.gz", gzip(TestFiles.gunzip("test-labels-idx1-ubyte.gz")));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(labelsAsImages));
        assertMessage(e, "swapped-idx3-ubyte.gz", "byte 0", "0x00000803", "0x00000801");
        assertEquals(0, e.offset());
    }

    @Test
    void truncatedRawFileFailsAtEveryCutWithTheOffset() throws IOException {
        byte[] raw = TestFiles.gunzip("test-images-idx3-ubyte.gz");
        for (int cut : new int[] {0, 2, 4, 9, 15, 16, 17, 784 * 500 + 3, raw.length - 1}) {
            Path p = write("cut-" + cut + "-images-idx3-ubyte", Arrays.copyOf(raw, cut));
            IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(p), "cut " + cut);
            assertMessage(e, p.getFileName().toString(), "truncated at byte " + cut);
            assertEquals(cut, e.offset());
        }
        IdxFormatException pixels = assertThrows(
                IdxFormatException.class,
                () -> IdxReader.readImages(write("short-images", Arrays.copyOf(raw, raw.length - 1))));
        assertMessage(pixels, "expected 784000 bytes of pixel data from byte 16, found 783999");
    }

    @Test
    void truncatedGzipFileFailsWithTheFileName() throws IOException {
        byte[] gz = Files.readAllBytes(TestFiles.shipped("test-images-idx3-ubyte.gz"));
        for (int cut : new int[] {1, 5, 30, gz.length / 2, gz.length - 9, gz.length - 1}) {
            Path p = write("cut-" + cut + ".gz", Arrays.copyOf(gz, cut));
            IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(p), "cut " + cut);
            assertTrue(e.getMessage().startsWith(p.getFileName() + ": "), e.getMessage());
        }
    }

    /** The message counts every decompressed byte before the cut (it said "after 16" for a cut in the pixels). */
    @Test
    void truncatedGzipMessageCountsTheBytesDecompressedBeforeTheCut() throws IOException {
        byte[] gz = Files.readAllBytes(TestFiles.shipped("test-images-idx3-ubyte.gz"));
        byte[] cut = Arrays.copyOf(gz, gz.length / 2);
        long decompressed = 0;
        try (java.util.zip.GZIPInputStream in =
                new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(cut))) {
            while (in.read() >= 0) {
                decompressed++;
            }
        } catch (java.io.EOFException expected) {
            // the cut
        }
        assertTrue(decompressed > 100_000, "half the file holds far more than the header: " + decompressed);
        Path p = write("half-images.gz", cut);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(p));
        assertMessage(e, "after " + decompressed + " decompressed bytes");
        assertEquals(decompressed, e.offset());
    }

    @Test
    void trailingBytesAfterTheDeclaredDataAreRejected() throws IOException {
        byte[] raw = TestFiles.gunzip("test-labels-idx1-ubyte.gz");
        Path p = write("long-labels", Arrays.copyOf(raw, raw.length + 3));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(p));
        assertMessage(e, "long-labels", "expected end of data at byte 1008");
    }

    @Test
    void zeroRowsAreRejectedWithTheHeaderOffset() throws IOException {
        byte[] raw = TestFiles.gunzip("test-images-idx3-ubyte.gz");
        raw[8] = raw[9] = raw[10] = raw[11] = 0;
        Path p = write("flat-images", raw);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(p));
        assertMessage(e, "flat-images", "row count at byte 8", "found 0");
    }

    @Test
    void countMismatchNamesBothFiles() {
        IdxFormatException e = assertThrows(
                IdxFormatException.class,
                () -> LabeledImages.read(
                        "mixed",
                        TestFiles.shipped("validation-images-idx3-ubyte.gz"),
                        TestFiles.shipped("train-labels-idx1-ubyte.gz")));
        assertMessage(e, "validation-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "1000 images", "8000 labels");
    }

    @Test
    void labelOutsideZeroToNineNamesFileOffsetAndValue() throws IOException {
        byte[] raw = TestFiles.gunzip("test-labels-idx1-ubyte.gz");
        raw[8 + 41] = 10;
        Path labels = write("bad-labels-idx1-ubyte", raw);
        IdxFormatException e = assertThrows(
                IdxFormatException.class,
                () -> LabeledImages.read("bad", TestFiles.shipped("test-images-idx3-ubyte.gz"), labels));
        assertMessage(e, "bad-labels-idx1-ubyte", "byte 49", "example 41", "expected 0..9", "found 10");
        assertEquals(49, e.offset());
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks '" + part + "': " + e.getMessage());
        }
    }
}
