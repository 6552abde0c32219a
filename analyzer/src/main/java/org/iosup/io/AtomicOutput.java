package org.iosup.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An output file that appears only when complete: bytes go to a hidden temporary file in the
 * target's folder, {@link #commit()} renames it over the target, and {@link #close()} without a
 * commit deletes it. Use with try-with-resources so that a failure leaves nothing behind.
 */
public final class AtomicOutput implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private boolean committed;

    private AtomicOutput(Path target, Path temp) {
        this.target = target;
        this.temp = temp;
    }

    /**
     * Prepares to write {@code target}. The target's folder must exist (a user error otherwise);
     * the target must not be a folder.
     */
    public static AtomicOutput create(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        checkWritableTarget(target, abs, dir);
        try {
            // Not Files.createTempFile: that makes the file owner-only; this one gets the usual umask.
            Path temp = dir.resolve("." + abs.getFileName() + "." + Long.toUnsignedString(
                    java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            Files.createFile(temp);
            return new AtomicOutput(abs, temp);
        } catch (IOException e) {
            throw new UserException("cannot create a file in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Fails with a user error unless {@code target} can be written as a file. */
    public static void checkWritableTarget(Path target, Path abs, Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            throw new UserException("output folder does not exist: " + (dir == null ? target : dir)
                    + " (for " + target + ")");
        }
        if (Files.isDirectory(abs)) {
            throw new UserException("output path is a folder, not a file: " + target);
        }
    }

    /** The temporary file to write to. */
    public Path temp() {
        return temp;
    }

    public Path target() {
        return target;
    }

    /** Moves the finished temporary file over the target. */
    public void commit() {
        try {
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + temp + " to " + target, e);
        }
    }

    @Override
    public void close() {
        if (!committed) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // Best effort: the temporary file is hidden and named after its target.
            }
        }
    }
}
