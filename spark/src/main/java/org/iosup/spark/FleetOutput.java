package org.iosup.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.iosup.io.UserException;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output folder of a fleet command on any Hadoop file system, which appears whole or not at
 * all: everything is written into a hidden folder beside it ({@link #work()}), and {@link #commit}
 * writes {@code manifest.json} (every file with its size and SHA-256, as iosup's other output
 * folders) and renames the folder into place. An existing folder is replaced only when its
 * manifest says the same command wrote it and it holds nothing else; closing without a commit
 * removes the hidden folder.
 */
public final class FleetOutput implements AutoCloseable {
    private final FileSystem fs;
    private final Path target;
    private final Path work;
    private final String command;
    private final String display;
    private boolean committed;

    private FleetOutput(FileSystem fs, Path target, Path work, String command, String display) {
        this.fs = fs;
        this.target = target;
        this.work = work;
        this.command = command;
        this.display = display;
    }

    /** Opens {@code out} for {@code command}, checking now that it may be written or replaced. */
    public static FleetOutput open(String out, Configuration conf, String command) {
        try {
            Path p = new Path(out);
            FileSystem fs = p.getFileSystem(conf);
            // The local file system's checksum files (.NAME.crc) are not outputs: none is written.
            fs.setWriteChecksum(false);
            Path target = fs.makeQualified(p);
            if (target.getParent() == null || !fs.exists(target.getParent())) {
                throw new UserException("the folder of " + out + " does not exist");
            }
            if (fs.exists(target)) {
                checkReplaceable(fs, target, command, out);
            }
            Path work = new Path(target.getParent(), "." + target.getName() + ".iosup-tmp-" + System.nanoTime());
            if (!fs.mkdirs(work)) {
                throw new UserException("cannot create " + work);
            }
            return new FleetOutput(fs, target, work, command, out);
        } catch (IOException e) {
            throw new UserException("cannot open " + out + ": " + e.getMessage(), e);
        }
    }

    /** An existing output may go only if it is this command's and holds only what its manifest lists. */
    private static void checkReplaceable(FileSystem fs, Path target, String command, String out) throws IOException {
        if (!fs.getFileStatus(target).isDirectory()) {
            throw new UserException(out + " is a file, not a folder; give another -o");
        }
        List<String> present = files(fs, target);
        if (present.isEmpty()) {
            return;
        }
        Path manifest = new Path(target, "manifest.json");
        if (!fs.exists(manifest)) {
            throw new UserException(out + " holds " + present.get(0) + ", which iosup did not write (the folder has no"
                    + " manifest.json); nothing was changed: give another -o, or move it away");
        }
        Map<?, ?> m;
        try (FSDataInputStream in = fs.open(manifest)) {
            m = new ObjectMapper().readValue((java.io.InputStream) in, Map.class);
        }
        if (!command.equals(m.get("command"))) {
            throw new UserException(out + " was written by iosup " + m.get("command") + ", not " + command
                    + "; nothing was changed: give another -o");
        }
        List<String> listed = new ArrayList<>();
        for (Object f : (List<?>) m.get("files")) {
            listed.add(String.valueOf(((Map<?, ?>) f).get("path")));
        }
        for (String f : present) {
            if (!f.equals("manifest.json") && !listed.contains(f) && !sparkMarker(f)) {
                throw new UserException(out + " holds " + f + ", which the earlier " + command + " did not write;"
                        + " nothing was changed: give another -o, or move it away");
            }
        }
    }

    /** Files Hadoop and Spark leave beside data: checksums and success markers. */
    private static boolean sparkMarker(String rel) {
        String name = rel.substring(rel.lastIndexOf('/') + 1);
        return name.startsWith(".") && name.endsWith(".crc") || name.equals("_SUCCESS");
    }

    /** Every file under {@code dir}, relative, sorted. */
    private static List<String> files(FileSystem fs, Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        String base = dir.toUri().getPath();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
        while (it.hasNext()) {
            String path = it.next().getPath().toUri().getPath();
            out.add(path.substring(base.length()).replaceFirst("^/+", ""));
        }
        out.sort(null);
        return out;
    }

    /** The hidden folder to write into. */
    public Path work() {
        return work;
    }

    public FileSystem fs() {
        return fs;
    }

    /** Copies a finished local file into the output as {@code name}. */
    public void put(java.nio.file.Path local, String name) {
        try {
            fs.copyFromLocalFile(true, true, new Path(local.toUri()), new Path(work, name));
        } catch (IOException e) {
            throw new UserException("cannot write " + name + " into " + display + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the manifest and moves the folder into place: its {@code parameters} are the fleet,
     * {@code own} (the command's options) and the run's --fail-fast, Spark version and master; its
     * {@code results} are {@code results}.
     */
    public void commit(org.apache.spark.sql.SparkSession spark, String fleet, Map<String, Object> own, boolean failFast,
                       Map<String, Object> results) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("fleet", fleet);
        params.putAll(own);
        params.put("fail_fast", failFast);
        params.put("spark_version", spark.version());
        params.put("master", spark.sparkContext().master());
        commit(Map.of("parameters", params, "results", results));
    }

    /** Writes the manifest (the command's {@code entries} and every file) and moves the folder into place. */
    public void commit(Map<String, Object> entries) {
        try {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tool", Map.of("name", "iosup", "version", org.iosup.io.ToolVersion.version()));
            m.put("command", command);
            m.putAll(entries);
            List<Object> listed = new ArrayList<>();
            for (String f : files(fs, work)) {
                if (sparkMarker(f)) {
                    continue;
                }
                Path p = new Path(work, f);
                listed.add(Map.of("path", f, "bytes", fs.getFileStatus(p).getLen(), "sha256", sha256(p)));
            }
            m.put("files", listed);
            try (FSDataOutputStream o = fs.create(new Path(work, "manifest.json"), true)) {
                o.write(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(m));
                o.write('\n');
            }
            Path old = null;
            if (fs.exists(target)) {
                old = new Path(target.getParent(), "." + target.getName() + ".iosup-old-" + System.nanoTime());
                if (!fs.rename(target, old)) {
                    throw new UserException("cannot move the earlier " + display + " aside");
                }
            }
            if (!fs.rename(work, target)) {
                throw new UserException("cannot move the output into " + display);
            }
            committed = true;
            if (old != null) {
                fs.delete(old, true); // checked to hold only the earlier run's files
            }
        } catch (IOException e) {
            throw new UserException("cannot finish " + display + ": " + e.getMessage(), e);
        }
    }

    private String sha256(Path p) throws IOException {
        try (FSDataInputStream in = fs.open(p)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (!committed) {
            try {
                fs.delete(work, true);
            } catch (IOException e) {
                // Left behind, hidden; the next run's name differs.
            }
        }
    }
}
