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
 * if needed (with its parents); closing without a commit removes the folders it created, if
 * they are still empty, so a failure leaves no folder behind either.
 */
public final class OutputFolder implements AutoCloseable {
    private final Path dir;
    private final List<AtomicOutput> files = new ArrayList<>();
    /** The folders {@link #open} created, the innermost first. */
    private final List<Path> created;
    private boolean committed;

    private OutputFolder(Path dir, List<Path> created) {
        this.dir = dir;
        this.created = created;
    }

    public static OutputFolder open(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserException("output folder " + dir + " is a file");
        }
        List<Path> created = new ArrayList<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            created.add(p);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserException("cannot create output folder " + dir + " (" + e.getMessage() + ")", e);
        }
        return new OutputFolder(dir, created);
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
        committed = true;
    }

    @Override
    public void close() {
        for (AtomicOutput f : files) {
            f.close();
        }
        if (!committed) {
            for (Path p : created) {
                try {
                    Files.deleteIfExists(p); // fails, and the folder stays, unless it is empty
                } catch (IOException e) {
                    break;
                }
            }
        }
    }
}
