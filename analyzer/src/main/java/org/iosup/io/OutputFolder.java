package org.iosup.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A folder of output files that appear together: each file is written under a temporary name in
 * the folder, and {@link #commit()} renames them all once everything is written; closing without
 * a commit deletes the temporaries, so a failure leaves no partial output. The folder is created
 * if needed (with its parents).
 */
public final class OutputFolder implements AutoCloseable {
    private final Path dir;
    private final List<AtomicOutput> files = new ArrayList<>();

    private OutputFolder(Path dir) {
        this.dir = dir;
    }

    public static OutputFolder open(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserException("output folder " + dir + " is a file");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserException("cannot create output folder " + dir + " (" + e.getMessage() + ")", e);
        }
        return new OutputFolder(dir);
    }

    public Path dir() {
        return dir;
    }

    /** A new file of the folder; write to {@link AtomicOutput#temp()}. */
    public AtomicOutput file(String name) {
        AtomicOutput out = AtomicOutput.create(dir.resolve(name));
        files.add(out);
        return out;
    }

    /** Renames every file into place. */
    public void commit() {
        for (AtomicOutput f : files) {
            f.commit();
        }
    }

    @Override
    public void close() {
        for (AtomicOutput f : files) {
            f.close();
        }
    }
}
