package io.github.dropout4j.zoo.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Extracts the regular files of a {@code .tar.gz} archive (Apache commons-compress) into a directory, safely:
 * <ul>
 *   <li>an entry whose name is absolute or has a {@code ..} component is rejected with an {@link IOException}
 *       naming the archive and the entry, before anything of it is written (no "zip slip");</li>
 *   <li>symbolic and hard links, devices and other special entries are skipped (CIFAR-10 has none);</li>
 *   <li>each file is written to {@code <name>.part} next to its destination and moved into place with
 *       {@code ATOMIC_MOVE}, so a destination name never holds a partial file.</li>
 * </ul>
 *
 * <pre>{@code
 * List<Path> files = TarGzExtractor.extract(archive, cacheDir);   // e.g. cifar-10-batches-bin/data_batch_1.bin, ...
 * }</pre>
 */
public final class TarGzExtractor {

    private TarGzExtractor() {}

    /** Extracts every regular file of {@code archive} under {@code destination}; returns them in archive order. */
    public static List<Path> extract(Path archive, Path destination) throws IOException {
        Path root = destination.toAbsolutePath().normalize();
        Files.createDirectories(root);
        List<Path> written = new ArrayList<>();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(raw))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path target = safeTarget(archive, root, e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isFile()) {
                    Files.createDirectories(target.getParent());
                    Path part = target.resolveSibling(target.getFileName() + ".part");
                    Files.copy(tar, part, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    written.add(target);
                }
            }
        }
        return written;
    }

    static Path safeTarget(Path archive, Path root, String name) throws IOException {
        String n = name.replace('\\', '/');
        boolean dotDot = false;
        for (String part : n.split("/")) {
            dotDot |= part.equals("..");
        }
        if (n.startsWith("/") || n.matches("^[A-Za-z]:.*") || dotDot) {
            throw new IOException(archive.getFileName() + ": refusing entry '" + name
                    + "' (absolute path or '..' component would write outside " + root + ")");
        }
        Path target = root.resolve(n).normalize();
        if (!target.startsWith(root)) {
            throw new IOException(
                    archive.getFileName() + ": refusing entry '" + name + "' (resolves outside " + root + ")");
        }
        return target;
    }
}
