package org.iosup.report.replay;

import org.iosup.io.OutputFolder;
import org.iosup.model.pool.PolicySpec;
import org.iosup.report.CsvTable;
import org.iosup.report.chart.Charts;
import org.iosup.report.chart.PolicyColors;
import org.iosup.schema.TableSchema;
import org.iosup.sweep.PolicySweep;
import org.jfree.chart.JFreeChart;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** What {@code sweep} writes: sweep.csv, pareto.csv and the Pareto chart (schemas {@code sweep}, {@code pareto}). */
public final class SweepReport {
    public static final TableSchema SWEEP = TableSchema.load("sweep");
    public static final TableSchema PARETO = TableSchema.load("pareto");

    private SweepReport() {
    }

    /** Writes the rows into {@code out} (not committed); returns the files written. */
    public static List<String> write(List<PolicySweep.Row> rows, OutputFolder out, Set<Charts.Format> formats) {
        List<String> files = new ArrayList<>();
        try (CsvTable t = CsvTable.create(SWEEP, out.file("sweep.csv").temp())) {
            for (PolicySweep.Row r : rows) {
                PolicySpec p = r.policy();
                t.row(Arrays.asList(p.spec(), p.family(), PolicySweep.enableAt(p),
                        p.cap() == Long.MAX_VALUE ? null : p.cap(), p.shrink(), p.shrink() ? p.shrinkRatio() : null,
                        p.shrink() ? p.shrinkTotal() : null, r.iotlbEntries(), r.minutesAfterWarmup(),
                        r.flushCallsPerMin(), r.flushIssuedPerMin(), r.poolPagesPeak(), r.poolPagesMean(),
                        r.poolReleases(), r.cpuMsPerMin(), r.iotlbMissesPerMin(), r.pareto()));
            }
        }
        files.add("sweep.csv");
        List<PolicySweep.Row> front = PolicySweep.front(rows);
        java.util.Map<String, Integer> points = points(front);
        try (CsvTable t = CsvTable.create(PARETO, out.file("pareto.csv").temp())) {
            for (PolicySweep.Row r : front) {
                t.row(Arrays.asList(points.get(point(r)), r.policy().spec(), r.iotlbEntries(), r.flushCallsPerMin(),
                        r.poolPagesPeak(), r.poolPagesMean(), r.cpuMsPerMin()));
            }
        }
        files.add("pareto.csv");
        JFreeChart chart = chart(rows, front);
        files.addAll(Charts.writeEach(out, "pareto", formats, 1600, 900, chart));
        return files;
    }

    /** Every policy as a grey point; the front of each IOTLB size a numbered line (numbers as in pareto.csv). */
    private static JFreeChart chart(List<PolicySweep.Row> rows, List<PolicySweep.Row> front) {
        double[] x = rows.stream().mapToDouble(PolicySweep.Row::poolPagesPeak).toArray();
        double[] y = rows.stream().mapToDouble(PolicySweep.Row::flushCallsPerMin).toArray();
        List<Integer> sizes = front.stream().map(PolicySweep.Row::iotlbEntries).distinct().toList();
        List<String> roles = new ArrayList<>(List.of("every policy"));
        sizes.forEach(size -> roles.add("front " + size));
        PolicyColors colors = new PolicyColors(roles);
        // Policies with the same figures share a point, numbered once (the number in pareto.csv).
        java.util.Map<String, Integer> points = points(front);
        java.util.Set<String> labelled = new java.util.HashSet<>();
        List<Charts.Points> fronts = new ArrayList<>();
        List<String[]> labels = new ArrayList<>();
        for (int size : sizes) {
            List<PolicySweep.Row> f = front.stream().filter(r -> r.iotlbEntries() == size).toList();
            String[] l = new String[f.size()];
            for (int i = 0; i < l.length; i++) {
                String key = point(f.get(i));
                l[i] = labelled.add(key) ? Integer.toString(points.get(key)) : "";
            }
            fronts.add(new Charts.Points("Pareto front" + (sizes.size() > 1 ? ", IOTLB " + size + " entries" : "")
                    + " (numbers: pareto.csv's point)", f.stream().mapToDouble(PolicySweep.Row::poolPagesPeak).toArray(),
                    f.stream().mapToDouble(PolicySweep.Row::flushCallsPerMin).toArray(), colors.of("front " + size),
                    fronts.size()));
            labels.add(l);
        }
        return Charts.front("Flush calls against pool memory: " + rows.size() + " policies, " + front.size()
                        + " on the Pareto front", "pool pages at the peak (all levels)",
                "flush_iotlb_qi calls per minute, after the warm-up",
                new Charts.Points("every policy swept", x, y, null, 0), fronts, labels, Charts.LogY.AUTO);
    }

    private static String point(PolicySweep.Row r) {
        return r.poolPagesPeak() + "/" + r.flushCallsPerMin();
    }


    /** The point numbers of the front's rows, as pareto.csv and pareto.png give them. */
    public static List<Integer> pointNumbers(List<PolicySweep.Row> front) {
        java.util.Map<String, Integer> points = points(front);
        return front.stream().map(r -> points.get(point(r))).toList();
    }

    /** The number of each distinct point of the front (figures alike, whatever the IOTLB size), from 1 in order. */
    private static java.util.Map<String, Integer> points(List<PolicySweep.Row> front) {
        java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>();
        for (PolicySweep.Row r : front) {
            out.putIfAbsent(point(r), out.size() + 1);
        }
        return out;
    }
}
