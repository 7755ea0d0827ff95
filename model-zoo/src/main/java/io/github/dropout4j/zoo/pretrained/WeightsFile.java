package io.github.dropout4j.zoo.pretrained;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Writes a network as a publishable weights file: a DL4J model zip that {@code ModelSerializer} restores,
 * holding the configuration and the parameters only (no updater state), whose bytes depend on nothing but the
 * network. DL4J's own zips stamp every entry with the current time, so two identical networks written a second
 * apart differ; here every entry is stored uncompressed ({@code STORED}: no dependence on the zlib version)
 * with the fixed time {@link #ENTRY_TIME}, in DL4J's entry order.
 */
public final class WeightsFile {
    /** The local date-time stamped on every entry (no time zone is involved). */
    public static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

    private WeightsFile() {}

    /** Writes {@code net}'s configuration and parameters to {@code file} via a temp file and an atomic move. */
    public static void write(Model net, Path file) throws IOException {
        ByteArrayOutputStream dl4j = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, dl4j, false);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            normalise(dl4j.toByteArray(), out);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Copies every entry of the zip {@code in} to {@code out}, stored, with {@link #ENTRY_TIME} and no extras. */
    static void normalise(byte[] in, OutputStream out) throws IOException {
        try (ZipInputStream zin = new ZipInputStream(new ByteArrayInputStream(in));
                ZipOutputStream zout = new ZipOutputStream(out)) {
            zout.setMethod(ZipOutputStream.STORED);
            for (ZipEntry e; (e = zin.getNextEntry()) != null; ) {
                byte[] data = zin.readAllBytes();
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setMethod(ZipEntry.STORED);
                copy.setTimeLocal(ENTRY_TIME);
                copy.setSize(data.length);
                copy.setCompressedSize(data.length);
                CRC32 crc = new CRC32();
                crc.update(data);
                copy.setCrc(crc.getValue());
                zout.putNextEntry(copy);
                zout.write(data);
                zout.closeEntry();
            }
        }
    }
}
