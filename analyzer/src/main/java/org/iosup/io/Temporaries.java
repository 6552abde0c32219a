package org.iosup.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The hidden files and folders iosup writes before an output is complete, and the folders it
 * creates for an output: named after their target and the process that made them
 * ({@code .NAME.iosup-PID-RANDOM.tmp}), so that nothing is left behind when a command fails, is
 * interrupted (SIGINT and SIGTERM run a shutdown hook that removes them) or is killed (the next
 * run for the same target removes temporaries whose process is no longer alive).
 */
public final class Temporaries {
    private static final Pattern OURS = Pattern.compile("\\.(.+)\\.iosup-(\\d+)-[0-9a-z]+\\.(tmp|old)");
    private static final long PID = ProcessHandle.current().pid();
    /** Live temporaries and created folders, newest last; removed by the shutdown hook. */
    private static final Deque<Path> LIVE = new ArrayDeque<>();
    /** The targets of temporaries not (yet) committed: what a failing command was writing. */
    private static final java.util.Set<Path> UNFINISHED = new java.util.LinkedHashSet<>();
    private static boolean hooked;

    private Temporaries() {
    }

    /** A fresh name, in {@code target}'s folder, for a temporary of {@code target}: {@code .NAME.iosup-PID-R.tmp}. */
    public static Path nameFor(Path target, String suffix) {
        String r = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        return target.resolveSibling("." + target.getFileName() + ".iosup-" + PID + "-" + r + "." + suffix);
    }

    /** Whether {@code name} is the name of a temporary iosup made (of any target). */
    public static boolean isTemporaryName(String name) {
        return OURS.matcher(name).matches();
    }

    /** Remembers {@code p} (a temporary, or a folder created for an output) for removal if the process is stopped. */
    public static synchronized void register(Path p) {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(Temporaries::removeAll, "iosup-cleanup"));
            hooked = true;
        }
        LIVE.addLast(p);
        Matcher m = OURS.matcher(p.getFileName().toString());
        if (m.matches()) {
            UNFINISHED.add(p.resolveSibling(m.group(1)));
        }
    }

    /** Set by the shutdown hook: a temporary created after it ran is removed at once. */
    private static boolean shuttingDown;

    /**
     * Creates the temporary file {@code p}, registered before it exists, so that a SIGTERM or SIGINT
     * at any moment leaves nothing behind (the hook may run while this thread goes on).
     */
    public static void createFile(Path p) throws IOException {
        create(p, false);
    }

    /** Creates the temporary folder {@code p}, as {@link #createFile(Path)} does a file. */
    public static void createDirectory(Path p) throws IOException {
        create(p, true);
    }

    private static void create(Path p, boolean folder) throws IOException {
        register(p);
        try {
            if (folder) {
                Files.createDirectory(p);
            } else {
                Files.createFile(p);
            }
        } catch (IOException e) {
            unregister(p);
            throw e;
        }
        settle(p);
    }

    /** Removes {@code p} if the shutdown hook ran while it was being created. */
    private static synchronized void settle(Path p) {
        if (shuttingDown) {
            deleteTree(p);
        }
    }

    /** Forgets {@code p}: it was removed (or, for a folder created for an output, kept). */
    public static synchronized void unregister(Path p) {
        LIVE.removeLastOccurrence(p);
    }

    /** Forgets the temporary {@code p}: it was renamed into place as its target. */
    public static synchronized void committed(Path p) {
        unregister(p);
        Matcher m = OURS.matcher(p.getFileName().toString());
        if (m.matches()) {
            UNFINISHED.remove(p.resolveSibling(m.group(1)));
        }
    }

    /** The outputs begun and not finished since the last call, for a report of why a command failed; forgets them. */
    public static synchronized List<Path> drainUnfinished() {
        List<Path> l = List.copyOf(UNFINISHED);
        UNFINISHED.clear();
        return l;
    }

    /** On SIGINT or SIGTERM: removes every live temporary, newest first, and folders created for outputs if empty. */
    private static synchronized void removeAll() {
        shuttingDown = true;
        while (!LIVE.isEmpty()) {
            Path p = LIVE.removeLast();
            if (isTemporaryName(p.getFileName().toString())) {
                deleteTree(p);
            } else {
                deleteIfEmpty(p);
            }
        }
    }

    /**
     * Removes temporaries of {@code target} left by iosup processes that are no longer alive
     * (killed with SIGKILL, or a machine that stopped): hidden entries beside it named
     * {@code .NAME.iosup-PID-R.tmp} or {@code .old}, whose PID is not a running process, owned by
     * this user.
     */
    public static void removeStale(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        String name = target.getFileName().toString();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "." + globEscape(name) + ".iosup-*")) {
            for (Path p : s) {
                Matcher m = OURS.matcher(p.getFileName().toString());
                if (m.matches() && m.group(1).equals(name) && isStale(p, m.group(2))) {
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            // Best effort: a stale temporary is hidden and named after its target.
        }
    }

    /** Removes stale temporaries inside {@code dir} (of any of its entries); see {@link #removeStale(Path)}. */
    public static void removeStaleInside(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, ".*.iosup-*")) {
            for (Path p : s) {
                Matcher m = OURS.matcher(p.getFileName().toString());
                if (m.matches() && isStale(p, m.group(2))) {
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            // Best effort, as above.
        }
    }

    private static boolean isStale(Path p, String pidText) {
        long pid;
        try {
            pid = Long.parseLong(pidText);
        } catch (NumberFormatException e) {
            return false;
        }
        if (pid == PID || ProcessHandle.of(pid).isPresent()) {
            return false;
        }
        try {
            return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Deletes a file, or a folder with everything in it; best effort, without following links. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            List<Path> all = new ArrayList<>(s.toList());
            all.sort(Comparator.reverseOrder());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: what stays is hidden and named after its target.
        }
    }

    /** Deletes {@code dir} if it is an empty folder. */
    public static void deleteIfEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isEmpty()) {
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            // Not empty, gone, or not a folder: leave it.
        }
    }

    /**
     * Creates {@code dir} and its missing parents (with the user's umask), registering each one
     * created; returns them, outermost first, for {@link #removeCreated(List)}.
     */
    public static List<Path> createFolders(Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(0, p);
        }
        List<Path> created = new ArrayList<>();
        for (Path p : missing) {
            try {
                Files.createDirectory(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw e;
                }
                continue;
            }
            created.add(p);
            register(p);
        }
        return created;
    }

    /** Removes the folders {@link #createFolders(Path)} made, innermost first, where they are empty. */
    public static void removeCreated(List<Path> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            deleteIfEmpty(created.get(i));
            unregister(created.get(i));
        }
    }

    /** Forgets the folders {@link #createFolders(Path)} made: they now hold a committed output. */
    public static void keepCreated(List<Path> created) {
        for (Path p : created) {
            unregister(p);
        }
    }

    private static String globEscape(String s) {
        return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }
}
