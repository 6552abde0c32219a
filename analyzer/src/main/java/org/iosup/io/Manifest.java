package org.iosup.io;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The {@code manifest.json} of an output folder ({@code schemas/output-manifest.schema.json}):
 * the tool and its version, the command that wrote the folder, the command's own entries, and
 * every file it wrote with its size and SHA-256. It is how iosup tells its own outputs, which
 * it may replace, from anything else, which it never touches.
 *
 * @param command the command that wrote the folder
 * @param entries the command's own entries (without tool, command and files)
 * @param files   the files listed, by path relative to the folder (with {@code /}), in order
 */
public record Manifest(String command, Map<String, Object> entries, Map<String, Listed> files) {
    /** The manifest's name in its folder. */
    public static final String FILE_NAME = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A listed file: its size in bytes and SHA-256 (lower-case hex). */
    public record Listed(long bytes, String sha256) {
    }

    /**
     * Checks that the existing folder {@code dir} may be replaced by {@code command} (or extended,
     * for a command in {@code extendable}), and returns its manifest; null when the folder is empty.
     * Otherwise a user error names the first entry iosup did not write, and nothing is changed.
     */
    public static Manifest readOwned(Path dir, String shown, String command, Set<String> extendable) {
        List<Path> entries = entries(dir);
        if (entries.isEmpty()) {
            return null;
        }
        Path m = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(m, LinkOption.NOFOLLOW_LINKS)) {
            throw new UserException(shown + " holds " + dir.relativize(entries.get(0)) + ", which iosup did not write"
                    + " (the folder has no " + FILE_NAME + "); nothing was changed: give another -o, or move it away");
        }
        Manifest found = read(m, shown);
        if (!found.command().equals(command) && !extendable.contains(found.command())) {
            throw new UserException(shown + " holds the output of 'iosup " + found.command() + "', not of 'iosup "
                    + command + "'; nothing was changed: give another -o");
        }
        Set<String> folders = new TreeSet<>();
        for (String f : found.files().keySet()) {
            for (Path p = Path.of(f).getParent(); p != null; p = p.getParent()) {
                folders.add(p.toString());
            }
        }
        for (Path p : entries) {
            String rel = slash(dir.relativize(p));
            if (rel.equals(FILE_NAME)) {
                continue;
            }
            Listed l = found.files().get(rel);
            boolean isFolder = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
            if (isFolder ? !folders.contains(rel) : l == null || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new UserException(shown + " holds " + rel + ", which the earlier 'iosup " + found.command()
                        + "' there did not write; nothing was changed: give another -o, or move " + rel + " away");
            }
            if (!isFolder && !unchanged(p, l)) {
                throw new UserException(shown + "/" + rel + " changed since 'iosup " + found.command()
                        + "' wrote it; nothing was changed: give another -o, or move it away");
            }
        }
        return found;
    }

    /** Reads a manifest; a user error if it is not one iosup wrote (with its list of files). */
    public static Manifest read(Path file, String shownFolder) {
        Map<String, Object> all;
        try {
            all = JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new UserException(shownFolder + "/" + FILE_NAME + " is not a manifest iosup wrote ("
                    + Failures.reason(e).lines().findFirst().orElse("") + "); nothing was changed: give another -o");
        }
        if (!(all.get("command") instanceof String command)) {
            throw new UserException(shownFolder + "/" + FILE_NAME + " names no command; it is not a manifest iosup wrote;"
                    + " nothing was changed: give another -o");
        }
        if (!(all.get("files") instanceof List<?> list)) {
            throw new UserException(shownFolder + " was written by an earlier version of iosup, whose manifest does not list"
                    + " its files; nothing was changed: move it away or give another -o");
        }
        Map<String, Listed> files = new LinkedHashMap<>();
        for (Object o : list) {
            if (o instanceof Map<?, ?> f && f.get("path") instanceof String p && f.get("bytes") instanceof Number n
                    && f.get("sha256") instanceof String h) {
                files.put(p, new Listed(n.longValue(), h));
            } else {
                throw new UserException(shownFolder + "/" + FILE_NAME + ": a malformed entry in 'files': " + o);
            }
        }
        Map<String, Object> entries = new LinkedHashMap<>(all);
        entries.remove("tool");
        entries.remove("command");
        entries.remove("files");
        return new Manifest(command, entries, files);
    }

    /**
     * Writes {@code dir/manifest.json} (atomically) for {@code command}, with its own
     * {@code entries} and the listed {@code files} (paths relative to {@code dir}), each with its
     * size and SHA-256 as it is now.
     */
    public static void write(Path dir, String command, Map<String, Object> entries, List<String> files) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tool", Map.of("name", "iosup", "version", ToolVersion.version()));
        m.put("command", command);
        entries.forEach((k, v) -> {
            if (!k.equals("tool") && !k.equals("command") && !k.equals("files")) {
                m.put(k, v);
            }
        });
        List<Object> list = new ArrayList<>();
        for (String f : files) {
            Path p = dir.resolve(f);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("path", f);
            try {
                e.put("bytes", Files.size(p));
            } catch (IOException x) {
                throw new UserException("cannot read " + p + ": " + Failures.reason(x), x);
            }
            e.put("sha256", Hashes.sha256(p));
            list.add(e);
        }
        m.put("files", list);
        try (AtomicOutput out = AtomicOutput.create(dir.resolve(FILE_NAME))) {
            Files.writeString(out.temp(), JSON.writeValueAsString(m) + "\n");
            out.commit();
        } catch (IOException e) {
            throw new UserException("cannot write " + dir.resolve(FILE_NAME) + ": " + Failures.reason(e), e);
        }
    }

    /** Every regular file under {@code dir} except its manifest, as sorted paths relative to it (with {@code /}). */
    public static List<String> filesUnder(Path dir) {
        List<String> out = new ArrayList<>();
        for (Path p : entries(dir)) {
            String rel = slash(dir.relativize(p));
            if (!rel.equals(FILE_NAME) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                out.add(rel);
            }
        }
        return out;
    }

    /** Removes the files {@code m} lists under {@code dir}, then the folders that leaves empty; nothing else. */
    public static void removeListed(Path dir, Manifest m) throws IOException {
        Set<Path> folders = new TreeSet<>((a, b) -> b.getNameCount() - a.getNameCount() != 0
                ? b.getNameCount() - a.getNameCount() : a.compareTo(b));
        for (String f : m.files().keySet()) {
            Path p = dir.resolve(f);
            Files.deleteIfExists(p);
            for (Path q = p.getParent(); q != null && q.startsWith(dir) && !q.equals(dir); q = q.getParent()) {
                folders.add(q);
            }
        }
        Files.deleteIfExists(dir.resolve(FILE_NAME));
        for (Path f : folders) {
            Temporaries.deleteIfEmpty(f);
        }
        Temporaries.deleteIfEmpty(dir);
    }

    private static boolean unchanged(Path p, Listed l) {
        try {
            return Files.size(p) == l.bytes() && Hashes.sha256(p).equals(l.sha256());
        } catch (IOException e) {
            return false;
        }
    }

    /** Every entry under {@code dir} (not {@code dir} itself), sorted, without following links. */
    private static List<Path> entries(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).sorted().toList();
        } catch (IOException e) {
            throw new UserException("cannot read output folder " + dir + ": " + Failures.reason(e), e);
        }
    }

    private static String slash(Path rel) {
        return rel.toString().replace(java.io.File.separatorChar, '/');
    }
}
