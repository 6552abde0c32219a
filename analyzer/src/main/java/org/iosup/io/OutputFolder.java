package org.iosup.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The output folder of one command, whose files appear together and which iosup only ever
 * replaces when it wrote it: each file is written under a temporary name in the folder, and
 * {@link #commit()} renames them all once everything is written, removes the files an earlier run
 * of the same command listed and this one did not write, and writes {@code manifest.json} last,
 * listing every file with its size and SHA-256 ({@link Manifest}). Closing without a commit
 * deletes the temporaries and any folder {@link #open} created, so a failure leaves nothing.
 *
 * <p>An existing folder is accepted only when it is empty, or when its manifest says the same
 * command wrote it and it holds exactly the files listed there, unchanged; anything else is a
 * user error naming the first unexpected entry, and nothing is touched.
 */
public final class OutputFolder implements AutoCloseable {
    private final Path dir;
    private final String command;
    /** The manifest found in the folder (null for a new or empty folder). */
    private final Manifest previous;
    /** Whether this run adds files to another command's folder (plot into the run it plots). */
    private final boolean extending;
    private final List<Path> created;
    private final List<AtomicOutput> files = new ArrayList<>();
    private final Map<String, Object> content = new LinkedHashMap<>();
    private boolean committed;

    private OutputFolder(Path dir, String command, Manifest previous, boolean extending, List<Path> created) {
        this.dir = dir;
        this.command = command;
        this.previous = previous;
        this.extending = extending;
        this.created = created;
    }

    /** Opens {@code dir} as the output folder of {@code command} (created with its parents if needed). */
    public static OutputFolder open(Path dir, String command) {
        return open(dir, command, Set.of());
    }

    /**
     * Opens {@code dir} for {@code command}, which may also add its files to a folder written by
     * one of {@code extendable} (e.g. plot's figures beside the replay they draw): then that
     * folder's manifest is kept and lists the new files too.
     */
    public static OutputFolder open(Path dir, String command, Set<String> extendable) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new UserException("output folder " + dir + " is a file");
        }
        Manifest previous = null;
        boolean extending = false;
        if (Files.isDirectory(abs)) {
            Temporaries.removeStaleInside(abs);
            previous = Manifest.readOwned(abs, dir.toString(), command, extendable);
            extending = previous != null && !previous.command().equals(command);
        } else {
            Temporaries.removeStale(abs);
        }
        List<Path> created;
        try {
            created = Temporaries.createFolders(abs);
        } catch (IOException e) {
            throw new UserException("cannot create output folder " + dir + ": " + Failures.reason(e), e);
        }
        return new OutputFolder(abs, command, previous, extending, created);
    }

    public Path dir() {
        return dir;
    }

    /** A new file of the folder; write to {@link AtomicOutput#temp()}. */
    public AtomicOutput file(String name) {
        if (name.equals(Manifest.FILE_NAME)) {
            throw new IllegalArgumentException("the manifest is written by commit(); give its content to manifest()");
        }
        AtomicOutput out = AtomicOutput.create(dir.resolve(name));
        files.add(out);
        return out;
    }

    /**
     * The command's own entries of {@code manifest.json} (its input, parameters, results); the
     * tool, the command and the list of files are added on {@link #commit()}.
     */
    public void manifest(Map<String, Object> entries) {
        content.putAll(entries);
    }

    /** Renames every file into place, removes what an earlier run listed and this one did not write, writes the manifest. */
    public void commit() {
        List<String> names = new ArrayList<>();
        for (AtomicOutput f : files) {
            f.commit();
            names.add(dir.relativize(f.target()).toString());
        }
        Map<String, Object> entries;
        List<String> listed = new ArrayList<>(names);
        if (extending) {
            entries = previous.entries();
            for (String old : previous.files().keySet()) {
                if (!listed.contains(old)) {
                    listed.add(old);
                }
            }
        } else {
            entries = new LinkedHashMap<>(content);
            if (previous != null) {
                for (String old : previous.files().keySet()) {
                    if (!names.contains(old)) {
                        try {
                            Files.deleteIfExists(dir.resolve(old));
                        } catch (IOException e) {
                            throw new UserException("cannot remove " + dir.resolve(old)
                                    + ", written by an earlier run: " + Failures.reason(e), e);
                        }
                    }
                }
            }
        }
        Manifest.write(dir, extending ? previous.command() : command, entries, listed);
        committed = true;
        Temporaries.keepCreated(created);
    }

    @Override
    public void close() {
        for (AtomicOutput f : files) {
            f.close();
        }
        if (!committed) {
            Temporaries.removeCreated(created);
        }
    }
}
