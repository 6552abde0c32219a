package org.iosup.fleet;

import org.iosup.io.UserException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A fleet's folder, laid out Hive-style ({@code schemas/fleet.md}):
 * {@code FLEET/host=NAME/date=YYYY-MM-DD/part-N.parquet}, each file an iosup trace. This class
 * names the files of that layout and finds them again; the Spark module reads the same layout
 * through Hadoop's file systems.
 */
public final class FleetLayout {
    /** A host's name: letters, digits, '.', '_' and '-', as a path segment and a partition value allow. */
    public static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    /** The relative path of one trace file: host, date and part number. */
    public static final Pattern FILE = Pattern.compile("host=([^/]+)/date=(\\d{4}-\\d{2}-\\d{2})/part-(\\d+)\\.parquet");

    private FleetLayout() {
    }

    /** One trace of a fleet: where it lies, relative to the fleet's folder, and its partition values. */
    public record Part(String host, String date, int part, String relative) {
    }

    /** The relative path of {@code host}'s part {@code part} of {@code date}. */
    public static String relative(String host, LocalDate date, int part) {
        return "host=" + host + "/date=" + date + "/part-" + part + ".parquet";
    }

    /**
     * The partition values of a relative path (with '/' separators), or null when the path does
     * not follow the layout.
     */
    public static Part parse(String relative) {
        Matcher m = FILE.matcher(relative);
        if (!m.matches() || !HOST.matcher(m.group(1)).matches()) {
            return null;
        }
        try {
            LocalDate.parse(m.group(2));
        } catch (DateTimeParseException e) {
            return null;
        }
        return new Part(m.group(1), m.group(2), Integer.parseInt(m.group(3)), relative);
    }

    /**
     * Every trace of a fleet on the local file system, in the order of host, date and part; a
     * Parquet file outside the layout is a user error naming it (a stray file is not silently
     * left out of a fleet's figures).
     */
    public static List<Part> list(Path fleet) {
        if (!Files.isDirectory(fleet)) {
            throw new UserException(fleet + ": no such folder");
        }
        List<Part> parts = new ArrayList<>();
        try (Stream<Path> files = Files.walk(fleet)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String rel = fleet.relativize(f).toString().replace(java.io.File.separatorChar, '/');
                String name = f.getFileName().toString();
                if (name.startsWith(".") || name.startsWith("_") || name.equals("manifest.json")) {
                    continue; // hidden, Spark's _SUCCESS and the like, and fleet make's manifest
                }
                Part p = parse(rel);
                if (p == null) {
                    throw new UserException(fleet + ": " + rel + " is not where a fleet keeps its traces"
                            + " (host=NAME/date=YYYY-MM-DD/part-N.parquet; schemas/fleet.md)");
                }
                parts.add(p);
            }
        } catch (IOException e) {
            throw new UserException("cannot list " + fleet + ": " + e.getMessage(), e);
        }
        parts.sort(Comparator.comparing(Part::host).thenComparing(Part::date).thenComparingInt(Part::part));
        if (parts.isEmpty()) {
            throw new UserException(fleet + ": no trace (host=NAME/date=YYYY-MM-DD/part-N.parquet; schemas/fleet.md)");
        }
        return parts;
    }
}
