package org.iosup.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An output file that appears only when complete: bytes go to a hidden temporary file in the
 * target's folder (named by {@link Temporaries}), {@link #commit()} renames it over the target,
 * and {@link #close()} without a commit deletes it. Use with try-with-resources so that a failure
 * leaves nothing behind.
 */
public final class AtomicOutput implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private boolean committed;
    /** The stream {@link #newOutputStream()} opened, closed by {@link #close()} whatever happened to it. */
    private java.io.OutputStream stream;

    private AtomicOutput(Path target, Path temp) {
        this.target = target;
        this.temp = temp;
    }

    /**
     * Prepares to write {@code target}. The target's folder must exist (a user error otherwise);
     * the target must not be a folder, nor the same file as any of {@code inputs} (files the
     * command reads; {@code -} and other names that are not files are ignored).
     */
    public static AtomicOutput create(Path target, String... inputs) {
        Path abs = target.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        checkWritableTarget(target, abs, dir);
        for (String in : inputs) {
            refuseSameFile(target, in);
        }
        Temporaries.removeStale(abs);
        try {
            // Not Files.createTempFile: that makes the file owner-only; this one gets the usual umask.
            Path temp = Temporaries.nameFor(abs, "tmp");
            Temporaries.createFile(temp);
            return new AtomicOutput(abs, temp);
        } catch (IOException e) {
            throw new UserException("cannot create a file in " + dir + ": " + Failures.reason(e), e);
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

    /**
     * Fails with a user error when {@code output} names the same file as the input {@code input}
     * (by file identity: links and other spellings of one file are caught), so that no command
     * replaces what it reads.
     */
    public static void refuseSameFile(Path output, String input) {
        // The path as it will be written: AtomicOutput writes the normalized absolute path.
        Path out = output.toAbsolutePath().normalize();
        if (input == null || "-".equals(input) || !Files.exists(out)) {
            return;
        }
        Path in = Path.of(input);
        try {
            if (Files.exists(in) && Files.isSameFile(out, in)) {
                throw new UserException("output " + output + " is the input " + input
                        + " itself; writing it would replace what is read (give another -o)");
            }
        } catch (IOException e) {
            // Unreadable: the reader reports it.
        }
    }

    /**
     * Opens the temporary file for writing. {@link #close()} closes this stream's file even when
     * closing a writer over it failed half-way (a full disk: a writer's final flush throws before
     * it closes what it wraps), so no file descriptor outlives a failed output.
     */
    public java.io.OutputStream newOutputStream() {
        try {
            // Not CREATE: the temporary exists since create(); if a signal's cleanup removed it
            // meanwhile, opening fails instead of making it again behind the cleanup's back.
            java.io.OutputStream raw = Files.newOutputStream(temp, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
            stream = raw;
            return raw;
        } catch (IOException e) {
            throw new UserException("cannot write " + temp + ": " + Failures.reason(e), e);
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
            Temporaries.committed(temp);
        } catch (IOException e) {
            throw new UserException("cannot rename " + temp + " to " + target + ": " + Failures.reason(e), e);
        }
    }

    @Override
    public void close() {
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException e) {
                // Closing twice or after a failed flush: the descriptor is released either way.
            }
            stream = null;
        }
        if (!committed) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // Best effort: the temporary file is hidden and named after its target.
            }
            Temporaries.unregister(temp);
        }
    }
}
