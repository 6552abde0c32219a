package org.iosup.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.iosup.fleet.FleetLayout;
import org.iosup.io.UserException;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A fleet's files through Hadoop's file systems (local, HDFS, an object store): every file of the
 * layout of {@code schemas/fleet.md} as a {@link Trace} to replay, and every other file as a trace
 * that failed, so that it is reported with its path rather than silently left out.
 */
public final class FleetFiles {
    private FleetFiles() {
    }

    /** One file of a fleet: its full URI, its path under the fleet, its host and date (null when outside the layout). */
    public record Trace(String uri, String relative, String host, String date, int part, long bytes) implements Serializable {
        /** The file's place, for messages: host and path under the fleet. */
        public String where() {
            return (host == null ? "" : "host " + host + ", ") + relative;
        }
    }

    /** Every file of the fleet at {@code fleet}, in the order of host, date, part and path; hidden files and manifest.json left out. */
    public static List<Trace> list(String fleet, Configuration conf) {
        Path root = new Path(fleet);
        List<Trace> out = new ArrayList<>();
        try {
            FileSystem fs = root.getFileSystem(conf);
            if (!fs.exists(root) || !fs.getFileStatus(root).isDirectory()) {
                throw new UserException(fleet + ": no such folder");
            }
            Path qualified = fs.makeQualified(root);
            String base = qualified.toUri().getPath();
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(qualified, true);
            while (it.hasNext()) {
                LocatedFileStatus f = it.next();
                String path = f.getPath().toUri().getPath();
                String rel = path.substring(Math.min(path.length(), base.length())).replaceFirst("^/+", "");
                if (hidden(rel) || rel.equals("manifest.json")) {
                    continue;
                }
                FleetLayout.Part p = FleetLayout.parse(rel);
                out.add(p == null ? new Trace(f.getPath().toString(), rel, hostOf(rel), null, -1, f.getLen())
                        : new Trace(f.getPath().toString(), rel, p.host(), p.date(), p.part(), f.getLen()));
            }
        } catch (IOException e) {
            throw new UserException("cannot list the fleet " + fleet + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing((Trace t) -> t.host() == null ? "" : t.host())
                .thenComparing(t -> t.date() == null ? "" : t.date()).thenComparingInt(Trace::part)
                .thenComparing(Trace::relative));
        if (out.isEmpty()) {
            throw new UserException(fleet + ": no file (a fleet is host=NAME/date=YYYY-MM-DD/part-N.parquet; schemas/fleet.md)");
        }
        return out;
    }

    /** Whether any segment of a relative path starts with '.' or '_' (temporaries, Spark's _SUCCESS and _temporary). */
    static boolean hidden(String rel) {
        for (String seg : rel.split("/")) {
            if (seg.startsWith(".") || seg.startsWith("_")) {
                return true;
            }
        }
        return false;
    }

    /** The host of a path that starts host=NAME/, or null. */
    static String hostOf(String rel) {
        if (rel.startsWith("host=")) {
            int slash = rel.indexOf('/');
            return slash < 0 ? null : rel.substring("host=".length(), slash);
        }
        return null;
    }

    /**
     * The trace as a local file for iosup's reader: the file itself when it is on the local file
     * system, else a copy in a temporary folder that {@link Local#close()} removes.
     */
    public static Local local(Trace t, Configuration conf) throws IOException {
        Path p = new Path(t.uri());
        FileSystem fs = p.getFileSystem(conf);
        if (fs.getUri().getScheme() != null && fs.getUri().getScheme().equals("file")) {
            return new Local(java.nio.file.Path.of(p.toUri()), null);
        }
        java.nio.file.Path dir = Files.createTempDirectory("iosup-fleet-");
        java.nio.file.Path file = dir.resolve("trace.parquet");
        fs.copyToLocalFile(false, p, new Path(file.toUri()), true);
        return new Local(file, dir);
    }

    /** Work on a trace as a local file. */
    @FunctionalInterface
    interface Work {
        ReplayJob.Outcome on(java.nio.file.Path file) throws IOException;
    }

    /**
     * Runs {@code work} on trace {@code t} as a local file: a file outside the layout, or anything
     * the reader or the model throws on it, is that trace's failure, and the others go on.
     */
    static ReplayJob.Outcome attempt(Trace t, Configuration conf, Work work) {
        if (t.host() == null || t.date() == null) {
            return ReplayJob.failed(t, "not where a fleet keeps its traces (host=NAME/date=YYYY-MM-DD/part-N.parquet;"
                    + " schemas/fleet.md)");
        }
        try (Local local = local(t, conf)) {
            return work.on(local.file());
        } catch (UserException e) {
            return ReplayJob.failed(t, e.getMessage());
        } catch (IOException e) {
            return ReplayJob.failed(t, "cannot read it: " + e.getMessage());
        } catch (RuntimeException e) {
            return ReplayJob.failed(t, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** A trace on the local file system, and the temporary folder holding it (null: the original). */
    public record Local(java.nio.file.Path file, java.nio.file.Path tempDir) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (tempDir != null) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(tempDir);
            }
        }
    }
}
