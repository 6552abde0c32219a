package org.iosup.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.iosup.io.UserException;
import org.iosup.schema.FieldSpec;
import org.iosup.schema.TableSchema;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Side-by-side comparison of replay outputs: for each run (a replay's output folder), policy and
 * metric, the total and the mean per minute from the warm-up on, and the change and ratio against
 * the run's baseline policy. Reads only the CSV and JSON a replay wrote.
 */
public final class Compare {
    /** The replay's minutes.csv format (its gauges and counters). */
    public static final TableSchema REPLAY_MINUTES = TableSchema.load("replay-minutes");
    /** Metrics compared when none are named. */
    public static final List<String> DEFAULT_METRICS = List.of("flush_calls", "flush_issued", "unmaps", "maps",
            "type_changes", "iotlb_misses", "cpu_ns_alloc", "cpu_ns_free", "pool_pages");

    /** One run's minutes: per policy (in order), per metric, the values by minute; {@code dir} the folder read. */
    public record Run(String name, String profile, Map<String, Map<String, long[]>> policies, int minutes, Path dir) {
    }

    /** One row of compare.csv. */
    public record Row(String run, String profile, String policy, String metric, long total, int minutesAfterWarmup,
                      Double mean, String baseline, Double baselineMean) {
        public Double change() {
            return mean == null || baselineMean == null ? null : mean - baselineMean;
        }

        public Double changePct() {
            return change() == null || baselineMean == 0 ? null : change() * 100 / baselineMean;
        }

        public Double ratio() {
            return mean == null || baselineMean == null || baselineMean == 0 ? null : mean / baselineMean;
        }
    }

    /**
     * One row of compare.csv over seeds: each figure the mean over the seeds with the half-width of
     * its 95% interval (null for one seed). Changes and ratios are taken per seed, against that
     * seed's baseline, then averaged (the seeds pair the policies).
     */
    public record SeedRow(String run, String profile, String policy, String metric, int seeds, Replicates total,
                          int minutesAfterWarmup, Replicates mean, String baseline, Replicates baselineMean,
                          Replicates change, Replicates changePct, Replicates ratio) {
    }

    private Compare() {
    }

    /**
     * Compares runs given each as one replay output per seed (the same policies and minutes in
     * each): {@link #compare} per seed, then every figure as a mean with its 95% interval.
     */
    public static List<SeedRow> compareSeeds(List<List<Run>> runs, String baseline, int warmupMinutes,
                                             List<String> metrics) {
        List<SeedRow> out = new ArrayList<>();
        for (List<Run> seeds : runs) {
            List<List<Row>> perSeed = new ArrayList<>();
            for (Run r : seeds) {
                perSeed.add(compare(List.of(r), baseline, warmupMinutes, metrics));
            }
            List<Row> first = perSeed.get(0);
            for (int s = 1; s < perSeed.size(); s++) {
                List<Row> other = perSeed.get(s);
                Run r = seeds.get(s);
                if (!r.policies().keySet().equals(seeds.get(0).policies().keySet())) {
                    throw new UserException(r.name() + ": its policies (" + String.join(", ", r.policies().keySet())
                            + ") are not those of " + seeds.get(0).name() + " (" + String.join(", ",
                            seeds.get(0).policies().keySet()) + "); the seeds of a run must replay the same policies");
                }
                if (other.size() != first.size()) {
                    throw new UserException(r.name() + ": not a seed of the same run as " + seeds.get(0).name());
                }
            }
            for (int i = 0; i < first.size(); i++) {
                Row f = first.get(i);
                int k = i;
                Double[] total = new Double[perSeed.size()];
                Double[] mean = new Double[perSeed.size()];
                Double[] base = new Double[perSeed.size()];
                Double[] change = new Double[perSeed.size()];
                Double[] pct = new Double[perSeed.size()];
                Double[] ratio = new Double[perSeed.size()];
                int minutes = Integer.MAX_VALUE;
                for (int s = 0; s < perSeed.size(); s++) {
                    Row r = perSeed.get(s).get(k);
                    total[s] = (double) r.total();
                    mean[s] = r.mean();
                    base[s] = r.baselineMean();
                    change[s] = r.change();
                    pct[s] = r.changePct();
                    ratio[s] = r.ratio();
                    minutes = Math.min(minutes, r.minutesAfterWarmup());
                }
                out.add(new SeedRow(f.run(), f.profile(), f.policy(), f.metric(), perSeed.size(), Replicates.of(total),
                        minutes, Replicates.of(mean), f.baseline(), Replicates.of(base), Replicates.of(change),
                        Replicates.of(pct), Replicates.of(ratio)));
            }
        }
        return out;
    }

    /** Reads a replay output folder, named as given. */
    public static Run read(Path dir) {
        return read(dir, dir.toString());
    }

    /** Reads a replay output folder, to be named {@code name} in reports. */
    public static Run read(Path dir, String name) {
        Path minutes = dir.resolve("minutes.csv");
        if (!Files.isRegularFile(minutes)) {
            throw new UserException(dir + ": not a replay output folder (no minutes.csv)");
        }
        String profile = "";
        Path manifest = dir.resolve("manifest.json");
        if (Files.isRegularFile(manifest)) {
            try {
                JsonNode m = new ObjectMapper().readTree(manifest.toFile());
                profile = m.at("/parameters/profile/name").asText("");
            } catch (IOException e) {
                throw new UserException(manifest + ": not valid JSON (" + e.getMessage() + ")");
            }
        }
        Map<String, Map<String, long[]>> policies = new LinkedHashMap<>();
        int maxMinute = -1;
        try (Reader r = Files.newBufferedReader(minutes);
             CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
            List<String> header = p.getHeaderNames();
            if (!header.equals(REPLAY_MINUTES.fieldNames())) {
                throw new UserException(minutes + " line 1: the header is not replay's minutes.csv format "
                        + "(schemas/replay-minutes.schema.json)");
            }
            List<CSVRecord> records = p.getRecords();
            Map<String, Integer> minutesOf = new LinkedHashMap<>();
            for (CSVRecord rec : records) {
                int minute = parseInt(rec.get("minute"), minutes, rec, "minute");
                minutesOf.merge(rec.get("policy"), minute + 1, Math::max);
                maxMinute = Math.max(maxMinute, minute);
            }
            for (String policy : minutesOf.keySet()) {
                Map<String, long[]> metrics = new LinkedHashMap<>();
                for (FieldSpec f : REPLAY_MINUTES.fields().subList(2, REPLAY_MINUTES.fields().size())) {
                    metrics.put(f.name(), new long[maxMinute + 1]);
                }
                policies.put(policy, metrics);
            }
            for (CSVRecord rec : records) {
                int minute = parseInt(rec.get("minute"), minutes, rec, "minute");
                Map<String, long[]> metrics = policies.get(rec.get("policy"));
                for (Map.Entry<String, long[]> e : metrics.entrySet()) {
                    e.getValue()[minute] = parseLong(rec.get(e.getKey()), minutes, rec, e.getKey());
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new UserException(minutes + ": cannot read (" + e.getMessage() + ")", e);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new UserException(minutes + ": malformed CSV (" + e.getMessage() + ")", e);
        }
        return new Run(name, profile, policies, maxMinute + 1, dir);
    }

    /** A minute of a report: 0 up to the last minute of the longest trace (366 days). */
    private static int parseInt(String v, Path file, CSVRecord r, String column) {
        long m = parseLong(v, file, r, column);
        if (m < 0 || m >= MAX_MINUTES) {
            throw new UserException(file + " line " + (r.getRecordNumber() + 1) + ": column '" + column + "' value '"
                    + v + "': out of range 0.." + (MAX_MINUTES - 1) + " (366 days of minutes)");
        }
        return (int) m;
    }

    /** Minutes of the longest trace the event schema allows (366 days). */
    public static final int MAX_MINUTES = 366 * 24 * 60;

    private static long parseLong(String v, Path file, CSVRecord r, String column) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UserException(file + " line " + (r.getRecordNumber() + 1) + ": column '" + column + "' value '"
                    + v + "': not an integer");
        }
    }

    /** Compares the runs; {@code baseline} null means each run's first policy. */
    public static List<Row> compare(List<Run> runs, String baseline, int warmupMinutes, List<String> metrics) {
        for (String m : metrics) {
            if (!REPLAY_MINUTES.fieldNames().contains(m) || m.equals("minute") || m.equals("policy")) {
                throw new UserException("--metric " + m + ": not a column of replay's minutes.csv (see "
                        + "schemas/replay-minutes.schema.json)");
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Run run : runs) {
            if (run.policies().isEmpty()) {
                throw new UserException(run.name() + "/minutes.csv: no rows");
            }
            String base = baseline == null ? run.policies().keySet().iterator().next() : baseline;
            Map<String, long[]> baseMetrics = run.policies().get(base);
            if (baseMetrics == null) {
                throw new UserException("--baseline " + base + ": no such policy in " + run.name() + " (it has "
                        + String.join(", ", run.policies().keySet()) + ")");
            }
            for (Map.Entry<String, Map<String, long[]>> p : run.policies().entrySet()) {
                for (String metric : metrics) {
                    boolean gauge = REPLAY_MINUTES.field(metric).gauge();
                    long[] v = p.getValue().get(metric);
                    long[] b = baseMetrics.get(metric);
                    int after = Math.max(0, v.length - warmupMinutes);
                    rows.add(new Row(run.name(), run.profile(), p.getKey(), metric, total(v, gauge), after,
                            mean(v, warmupMinutes), base, mean(b, warmupMinutes)));
                }
            }
        }
        return rows;
    }

    /** Sum of a counter, or largest value of a gauge. */
    public static long total(long[] v, boolean gauge) {
        long t = 0;
        for (long x : v) {
            t = gauge ? Math.max(t, x) : t + x;
        }
        return t;
    }

    /** Mean of v[from..], or null when empty. */
    public static Double mean(long[] v, int from) {
        if (from >= v.length) {
            return null;
        }
        double sum = 0;
        for (int i = from; i < v.length; i++) {
            sum += v[i];
        }
        return sum / (v.length - from);
    }
}
