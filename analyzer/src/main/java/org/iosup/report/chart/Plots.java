package org.iosup.report.chart;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.iosup.analysis.Compare;
import org.iosup.io.OutputFolder;
import org.iosup.io.UserException;
import org.jfree.chart.JFreeChart;

import java.awt.Color;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures: from a replay's output, the paper's Figure 5 (flush calls per minute per policy,
 * with flushes issued beside it), Figure 6 (CPU time per minute of the allocation and free paths
 * per level), Figures 7 and 8 (pool pages, in all and per level) and IOTLB misses per minute; from
 * an analyze output, the rates the trace recorded.
 */
public final class Plots {
    private static final String MINUTE = "minute of trace time";
    /** The commands whose output folders plot draws, and may add its figures to. */
    public static final java.util.Set<String> PLOTTED = java.util.Set.of("replay", "analyze");

    private Plots() {
    }

    /** Plots what {@code dir} holds into {@code out} as PNG files; returns the files written. */
    public static List<String> plot(Path dir, OutputFolder out, int width, int height, int warmupMinutes) {
        return plot(dir, out, width, height, warmupMinutes, java.util.EnumSet.of(Charts.Format.PNG), Charts.LogY.AUTO);
    }

    /** Where figures go: each as NAME.png, NAME.svg, NAME.pdf for the formats asked, written atomically. */
    private record Figures(OutputFolder out, int w, int h, java.util.Set<Charts.Format> formats, Charts.LogY log,
                           List<String> files) {
        void write(String name, JFreeChart... charts) {
            files.addAll(Charts.writeEach(out, name, formats, w, h, charts));
        }
    }

    /** Plots what {@code dir} holds into {@code out}, in each of {@code formats}; returns the files written. */
    public static List<String> plot(Path dir, OutputFolder out, int width, int height, int warmupMinutes,
                                    java.util.Set<Charts.Format> formats, Charts.LogY log) {
        if (formats.isEmpty()) {
            throw new UserException("--format: give at least one of png, svg, pdf");
        }
        Figures f = new Figures(out, width, height, formats, log, new ArrayList<>());
        Path minutes = dir.resolve("minutes.csv");
        if (!Files.isRegularFile(minutes)) {
            throw new UserException(dir + ": no minutes.csv (plot takes the output folder of replay or analyze)");
        }
        List<String> header = header(minutes);
        if (header.equals(Compare.REPLAY_MINUTES.fieldNames())) {
            return replay(Compare.read(dir), f, warmupMinutes);
        }
        if (header.equals(org.iosup.report.AnalysisReport.MINUTES.fieldNames())) {
            return recorded(minutes, f);
        }
        throw new UserException(minutes + " line 1: neither replay's nor analyze's minutes.csv format (see schemas/)");
    }

    private static List<String> header(Path csv) {
        try (Reader r = Files.newBufferedReader(csv);
             CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
            return p.getHeaderNames();
        } catch (IOException | RuntimeException e) {
            throw new UserException(csv + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static double[] series(long[] v, double scale) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i] * scale;
        }
        return d;
    }

    private static List<Charts.Line> perPolicy(Compare.Run run, PolicyColors colors, String metric, double scale) {
        List<Charts.Line> lines = new ArrayList<>();
        for (var p : run.policies().entrySet()) {
            lines.add(new Charts.Line(p.getKey(), series(p.getValue().get(metric), scale), colors.of(p.getKey()),
                    colors.dash(p.getKey())));
        }
        return lines;
    }

    private static String suffix(Compare.Run run) {
        return run.profile().isEmpty() ? "" : " (" + run.profile() + ")";
    }

    private static List<String> replay(Compare.Run run, Figures f, int warmup) {
        PolicyColors colors = new PolicyColors(new ArrayList<>(run.policies().keySet()));
        String s = suffix(run);

        JFreeChart calls = Charts.lines("IOTLB flush calls per minute" + s, MINUTE, "flush_iotlb_qi calls per minute",
                perPolicy(run, colors, "flush_calls", 1), "no flush_iotlb_qi call in any minute", f.log());
        JFreeChart issued = Charts.lines("IOTLB invalidations issued per minute" + s, MINUTE,
                "invalidations issued per minute", perPolicy(run, colors, "flush_issued", 1),
                run.profile().equals("xen-4.2.1")
                        ? "No invalidation issued: xen-4.2.1 passes 'not present' to flush_iotlb_qi, which returns at once"
                        : "No invalidation issued by any policy", f.log());
        markWarmup(warmup, run, calls, issued);
        f.write("flushes", calls, issued);

        int levels = 0;
        for (Map<String, long[]> m : run.policies().values()) {
            for (int l = 1; l <= 4; l++) {
                if (Compare.total(m.get("cpu_ns_alloc_l" + l), false) > 0 || Compare.total(m.get("cpu_ns_free_l" + l), false) > 0) {
                    levels = Math.max(levels, l);
                }
            }
        }
        levels = Math.max(levels, 3);
        List<String> categories = new ArrayList<>();
        for (String path : new String[] {"alloc", "free"}) {
            for (int l = levels; l >= 1; l--) {
                categories.add(path + " L" + l);
            }
        }
        List<String> names = new ArrayList<>(run.policies().keySet());
        double[][] values = new double[names.size()][categories.size()];
        int from = warmup < run.minutes() ? warmup : 0;
        for (int p = 0; p < names.size(); p++) {
            Map<String, long[]> m = run.policies().get(names.get(p));
            int c = 0;
            for (String path : new String[] {"alloc", "free"}) {
                for (int l = levels; l >= 1; l--) {
                    Double mean = Compare.mean(m.get("cpu_ns_" + path + "_l" + l), from);
                    values[p][c++] = mean == null ? 0 : mean / 1e6;
                }
            }
        }
        // Small times read better in µs (the idle setting's are hundredths of a millisecond).
        double largest = 0;
        for (double[] row : values) {
            for (double v : row) {
                largest = Math.max(largest, v);
            }
        }
        boolean micro = largest > 0 && largest < 0.1;
        if (micro) {
            for (double[] row : values) {
                for (int i = 0; i < row.length; i++) {
                    row[i] *= 1000;
                }
            }
        }
        JFreeChart cpu = Charts.bars("CPU time of page-table allocation and free per minute" + s
                        + (from > 0 ? ", after minute " + from : ""), "path and level",
                (micro ? "µs" : "ms") + " per minute (modelled)",
                names, names.stream().map(colors::of).toList(), categories, values);
        cpu.addSubtitle(new org.jfree.chart.title.TextTitle("modelled: the time each operation would take under the"
                + " cost profile (docs/model.md section 7), not a measurement",
                new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.ITALIC, 16)));
        f.write("cpu", cpu);

        JFreeChart pool = Charts.lines("Page-table pool pages" + s, MINUTE, "pages in the pools (end of minute)",
                perPolicy(run, colors, "pool_pages", 1), "No policy pools pages", f.log());
        // Beside it, what the pools gave back to the page allocator (the shrink rule, quicklist trimming, caps).
        JFreeChart releases = Charts.lines("Pool pages given back per minute" + s, MINUTE,
                "pages released (shrink rule, trimming, caps)", perPolicy(run, colors, "pool_releases", 1),
                "No pool gave pages back (no shrink rule, trimming or cap fired)", f.log());
        markWarmup(warmup, run, pool, releases);
        f.write("pool-pages", pool, releases);

        // One panel per level, one line per policy that pools (its role's colour and dash), so the
        // legend names policies only.
        List<JFreeChart> levelCharts = new ArrayList<>();
        for (int l = levels; l >= 1; l--) {
            List<Charts.Line> lines = new ArrayList<>();
            for (var p : run.policies().entrySet()) {
                if (Compare.total(p.getValue().get("pool_pages"), true) > 0) {
                    lines.add(new Charts.Line(p.getKey(), series(p.getValue().get("pool_pages_l" + l), 1),
                            colors.of(p.getKey()), colors.dash(p.getKey())));
                }
            }
            JFreeChart c = Charts.lines(levelName(l, levels) + " pages in the pool" + s, MINUTE,
                    "pages (end of minute)", lines, "No policy pools pages", f.log());
            markWarmup(warmup, run, c);
            levelCharts.add(c);
        }
        f.write("pool-pages-by-level", levelCharts.toArray(new JFreeChart[0]));

        JFreeChart misses = Charts.lines("IOTLB misses per minute" + s, MINUTE, "IOTLB misses per minute",
                perPolicy(run, colors, "iotlb_misses", 1), "No IOTLB miss: the trace has no DMA", f.log());
        markWarmup(warmup, run, misses);
        if (run.dir() != null && Files.isRegularFile(run.dir().resolve("devices.csv"))) {
            // Beside it, per device: colour by policy, dash by device.
            Map<String, Map<String, double[]>> missesByPolicy = perDevice(run.dir().resolve("devices.csv"), "misses",
                    run.minutes(), 1);
            JFreeChart perDev;
            if (sameForEveryPolicy(missesByPolicy, run.policies().keySet())) {
                // One line per device (the policies' would lie on top of each other), and a note saying so.
                String first = run.policies().keySet().iterator().next();
                perDev = Charts.lines("IOTLB misses per minute, by device" + s, MINUTE, "IOTLB misses per minute",
                        deviceLines(missesByPolicy.getOrDefault(first, Map.of())), "No IOTLB miss: the trace has no DMA",
                        f.log());
                if (run.policies().size() > 1) {
                    perDev.addSubtitle(new org.jfree.chart.title.TextTitle("the same under every policy ("
                            + String.join(", ", run.policies().keySet()) + ")",
                            new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.ITALIC, 16)));
                }
            } else {
                // Colour by policy, dash by device.
                List<Charts.Line> byDevice = new ArrayList<>();
                for (String policy : run.policies().keySet()) {
                    int d = 0;
                    for (var e : missesByPolicy.getOrDefault(policy, Map.of()).entrySet()) {
                        byDevice.add(new Charts.Line(policy + ", " + e.getKey(), e.getValue(), colors.of(policy), d++));
                    }
                }
                perDev = Charts.lines("IOTLB misses per minute, by device" + s, MINUTE, "IOTLB misses per minute",
                        byDevice, "No IOTLB miss: the trace has no DMA", f.log());
            }
            f.write("iotlb-misses", misses, perDev);
        } else {
            f.write("iotlb-misses", misses);
        }

        // The DMA side: the devices' time waiting for translations, the CPU's waiting for invalidations.
        List<Charts.Line> walk = new ArrayList<>();
        List<Charts.Line> wait = new ArrayList<>();
        for (var p : run.policies().entrySet()) {
            long[] miss = p.getValue().get("iotlb_miss_ns");
            long[] inv = p.getValue().get("invalidation_ns");
            if (miss == null || inv == null) {
                continue;
            }
            walk.add(new Charts.Line(p.getKey(), series(miss, 1e-6), colors.of(p.getKey()), colors.dash(p.getKey())));
            wait.add(new Charts.Line(p.getKey(), series(inv, 1e-6), colors.of(p.getKey()), colors.dash(p.getKey())));
        }
        if (!walk.isEmpty()) {
            JFreeChart devices = Charts.lines("DMA time waiting for translation" + s, MINUTE,
                    "ms per minute (IOTLB misses' page walks, modelled)", walk, "No IOTLB miss: the trace has no DMA",
                    f.log());
            JFreeChart waits = Charts.lines("CPU time waiting for IOTLB invalidations" + s, MINUTE,
                    "ms per minute (synchronous invalidations, modelled)", wait,
                    run.profile().equals("xen-4.2.1")
                            ? "No wait: xen-4.2.1 issues no invalidation (it passes 'not present' to flush_iotlb_qi)"
                            : "No invalidation issued by any policy, so no wait", f.log());
            markWarmup(warmup, run, devices, waits);
            f.write("dma-time", devices, waits);
        }
        return f.files();
    }

    /** Whether every policy has the same devices with the same values by minute as the first. */
    private static boolean sameForEveryPolicy(Map<String, Map<String, double[]>> byPolicy, java.util.Set<String> policies) {
        Map<String, double[]> first = byPolicy.getOrDefault(policies.iterator().next(), Map.of());
        for (String p : policies) {
            Map<String, double[]> m = byPolicy.getOrDefault(p, Map.of());
            if (!m.keySet().equals(first.keySet())) {
                return false;
            }
            for (var e : m.entrySet()) {
                if (!java.util.Arrays.equals(e.getValue(), first.get(e.getKey()))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The warm-up cut (the demo's dynamic switch) on the time axis of each chart, when inside the trace. */
    private static void markWarmup(int warmup, Compare.Run run, JFreeChart... charts) {
        if (warmup <= 0 || warmup >= run.minutes()) {
            return;
        }
        for (JFreeChart c : charts) {
            if (c.getXYPlot().getDataset().getSeriesCount() > 0) {
                Charts.marker(c, warmup, "minute " + warmup + ": warm-up cut / dynamic switch");
            }
        }
    }

    /** PGD, PUD/PMD and PTE names of a level, for legends. */
    static String levelName(int level, int levels) {
        return switch (level) {
            case 1 -> "PTE (L1)";
            case 2 -> "PMD (L2)";
            case 3 -> levels == 3 ? "PGD (L3)" : "PUD (L3)";
            default -> "PGD (L4)";
        };
    }

    private static List<String> recorded(Path minutes, Figures f) {
        Map<String, List<Long>> cols = new LinkedHashMap<>();
        try (Reader r = Files.newBufferedReader(minutes);
             CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
            for (String name : p.getHeaderNames()) {
                cols.put(name, new ArrayList<>());
            }
            for (CSVRecord rec : p) {
                for (String name : cols.keySet()) {
                    try {
                        cols.get(name).add(Long.parseLong(rec.get(name)));
                    } catch (NumberFormatException e) {
                        throw new UserException(minutes + " line " + (rec.getRecordNumber() + 1) + ": column '" + name
                                + "' value '" + rec.get(name) + "': not an integer");
                    }
                }
            }
        } catch (IOException e) {
            throw new UserException(minutes + ": cannot read (" + e.getMessage() + ")", e);
        }
        // Okabe-Ito colours other than the baseline's vermillion, which stands for a baseline policy.
        Color[] palette = {PolicyColors.OTHERS[0], PolicyColors.OTHERS[4], PolicyColors.OTHERS[1], PolicyColors.OTHERS[2]};
        // Processes and page tables apart: a few hundred a minute against thousands would flatten
        // the processes, and the exits (drawn dashed over the creations) would hide among them.
        JFreeChart procs = Charts.lines("Processes per minute (recorded)", MINUTE, "processes per minute",
                lines(cols, palette, new String[] {"proc_creates", "proc_exits"}, "processes created",
                        "processes exited"), "No process created or exited", f.log());
        JFreeChart tables = Charts.lines("Page tables per minute (recorded)", MINUTE, "page tables per minute",
                lines(cols, new Color[] {palette[2], palette[3]}, new String[] {"pt_allocs", "pt_frees"},
                        "page tables allocated", "page tables freed"), "No page table allocated or freed", f.log());
        String[] hvColumns = {"type_changes", "iommu_unmaps", "iommu_maps", "iotlb_flushes"};
        long hvEvents = 0;
        for (String c : hvColumns) {
            hvEvents += cols.get(c).stream().mapToLong(Long::longValue).sum();
        }
        if (hvEvents > 0) {
            JFreeChart hv = Charts.lines("Hypervisor and IOMMU events per minute (recorded)", MINUTE,
                    "events per minute", lines(cols, palette, hvColumns, "page-type changes", "IOMMU unmaps",
                            "IOMMU maps", "IOTLB flushes"), null, f.log());
            f.write("recorded", procs, tables, hv);
        } else {
            // No empty panel: the guest's two, and a line saying where the hypervisor's events are.
            procs.addSubtitle(new org.jfree.chart.title.TextTitle("no hypervisor or IOMMU event in this trace"
                    + " (a synthesized or perf trace): replay models them",
                    new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.ITALIC, 16)));
            f.write("recorded", procs, tables);
        }
        Path devices = minutes.resolveSibling("devices.csv");
        int n = cols.get("minute").size();
        if (Files.isRegularFile(devices)) {
            // Per device, as devices.csv has them apart: all bytes, and the bytes the device wrote.
            Map<String, double[]> all = perDevice(devices, "dma_bytes", n, 1e-6).getOrDefault("", Map.of());
            Map<String, double[]> written = perDevice(devices, "dma_write_bytes", n, 1e-6).getOrDefault("", Map.of());
            f.write("recorded-dma", Charts.lines("DMA per minute, by device (recorded)", MINUTE, "MB per minute",
                    deviceLines(all), "No DMA recorded", f.log()),
                    Charts.lines("DMA the devices wrote per minute, by device (recorded)", MINUTE, "MB per minute",
                            deviceLines(written), "No DMA write recorded", f.log()));
        } else {
            JFreeChart dma = Charts.lines("DMA per minute (recorded)", MINUTE, "MB per minute",
                    List.of(new Charts.Line("DMA, all bytes", scaled(cols.get("dma_bytes"), 1e-6), palette[0], 0),
                            new Charts.Line("DMA, bytes the devices wrote", scaled(cols.get("dma_write_bytes"), 1e-6),
                                    palette[1], 1)), "No DMA recorded", f.log());
            f.write("recorded-dma", dma);
        }
        return f.files();
    }

    /**
     * One column of a devices.csv (analyze's or replay's) by policy, device and minute, times
     * {@code scale}, in one read: policies keyed by replay's {@code policy} column ("" for analyze's
     * file, which has none), devices keyed "device BB:DD.F", both in order of appearance.
     */
    static Map<String, Map<String, double[]>> perDevice(Path csv, String column, int minutes, double scale) {
        Map<String, Map<String, double[]>> out = new LinkedHashMap<>();
        try (Reader r = Files.newBufferedReader(csv);
             CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
            boolean byPolicy = p.getHeaderNames().contains("policy");
            for (CSVRecord rec : p) {
                try {
                    int minute = Integer.parseInt(rec.get("minute"));
                    String key = "device " + org.iosup.report.Numbers.bdf(Integer.parseInt(rec.get("device")));
                    double[] v = out.computeIfAbsent(byPolicy ? rec.get("policy") : "", k -> new LinkedHashMap<>())
                            .computeIfAbsent(key, k -> new double[minutes]);
                    if (minute >= 0 && minute < minutes) {
                        v[minute] += Long.parseLong(rec.get(column)) * scale;
                    }
                } catch (NumberFormatException e) {
                    throw new UserException(csv + " line " + (rec.getRecordNumber() + 1) + ": not an integer ("
                            + e.getMessage() + ")");
                }
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new UserException(csv + ": cannot read (" + e.getMessage() + ")", e);
        }
        return out;
    }

    /** A line per device, in the Okabe-Ito colours after the baseline's, each its own dash. */
    private static List<Charts.Line> deviceLines(Map<String, double[]> byDevice) {
        List<Charts.Line> out = new ArrayList<>();
        int i = 0;
        for (var e : byDevice.entrySet()) {
            out.add(new Charts.Line(e.getKey(), e.getValue(), PolicyColors.OTHERS[i % PolicyColors.OTHERS.length], i));
            i++;
        }
        return out;
    }

    /** The columns {@code names}, each in its colour and its own dash, under the legend names {@code labels}. */
    private static List<Charts.Line> lines(Map<String, List<Long>> cols, Color[] palette, String[] names,
                                           String... labels) {
        List<Charts.Line> out = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            out.add(new Charts.Line(labels[i], scaled(cols.get(names[i]), 1), palette[i % palette.length], i));
        }
        return out;
    }

    private static double[] scaled(List<Long> v, double scale) {
        double[] d = new double[v.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = v.get(i) * scale;
        }
        return d;
    }
}
