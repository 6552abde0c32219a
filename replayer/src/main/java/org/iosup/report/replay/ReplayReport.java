package org.iosup.report.replay;

import org.iosup.analysis.MinuteSeries;
import org.iosup.io.AtomicOutput;
import org.iosup.io.OutputFolder;
import org.iosup.model.Anomalies;
import org.iosup.model.DeviceCounters;
import org.iosup.model.Metric;
import org.iosup.model.pool.PolicySpec;
import org.iosup.replay.DmaThroughput;
import org.iosup.replay.PolicyModel;
import org.iosup.replay.ReplayResult;
import org.iosup.report.CsvTable;
import org.iosup.schema.FieldSpec;
import org.iosup.schema.TableSchema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a replay's outputs: {@code minutes.csv}, {@code summary.csv} (formats in {@code schemas/})
 * and the entries of its {@code manifest.json}, all or none; and the short table printed on
 * standard output.
 */
public final class ReplayReport {
    public static final TableSchema MINUTES = TableSchema.load("replay-minutes");
    public static final TableSchema SUMMARY = TableSchema.load("replay-summary");
    public static final TableSchema DEVICES = TableSchema.load("replay-devices");
    /** The devices whose links the throughput model knows unless told otherwise: the synthesizer's. */
    public static final List<DmaThroughput> DEFAULT_DEVICES = List.of(DmaThroughput.SYNTH_NIC, DmaThroughput.SYNTH_DISK);
    /** The metrics compared against the baseline in summary.csv, in order. */
    public static final List<Metric> COMPARED = List.of(Metric.FLUSH_CALLS, Metric.FLUSH_ISSUED, Metric.TYPE_CHANGES,
            Metric.UNMAPS, Metric.MAPS, Metric.IOTLB_MISSES, Metric.CPU_NS_ALLOC, Metric.CPU_NS_FREE);

    static {
        List<String> expected = new ArrayList<>(List.of("minute", "policy"));
        for (Metric m : Metric.values()) {
            expected.add(m.column());
        }
        if (!MINUTES.fieldNames().equals(expected)) {
            throw new IllegalStateException("schemas/replay-minutes.schema.json fields " + MINUTES.fieldNames()
                    + " differ from the code's " + expected);
        }
    }

    private ReplayReport() {
    }

    /** Writes the four files into {@code out} (the caller commits); the manifest names the input as given. */
    public static void write(ReplayResult r, OutputFolder out, String inputSha256) {
        write(r, out, inputSha256, r.config().trace().toString(), DEFAULT_DEVICES);
    }

    /** As {@link #write(ReplayResult, OutputFolder, String)}, naming the input {@code inputName} in the manifest. */
    public static void write(ReplayResult r, OutputFolder out, String inputSha256, String inputName) {
        write(r, out, inputSha256, inputName, DEFAULT_DEVICES);
    }

    /** As above, with the links of {@code devices} for the throughput model of {@code devices.csv}. */
    public static void write(ReplayResult r, OutputFolder out, String inputSha256, String inputName,
                             List<DmaThroughput> devices) {
        AtomicOutput minutes = out.file("minutes.csv");
        try (CsvTable t = CsvTable.create(MINUTES, minutes.temp())) {
            for (PolicyModel p : r.policies()) {
                MinuteSeries<Metric> s = p.series();
                for (int minute = 0; minute < r.minutes(); minute++) {
                    t.row(new Object[] {minute, p.spec().name()}, s.row(minute));
                }
            }
        }
        AtomicOutput summary = out.file("summary.csv");
        try (CsvTable t = CsvTable.create(SUMMARY, summary.temp())) {
            PolicyModel base = r.policies().get(0);
            for (PolicyModel p : r.policies()) {
                t.row(summaryRow(r, p, base));
            }
        }
        AtomicOutput devicesFile = out.file("devices.csv");
        try (CsvTable t = CsvTable.create(DEVICES, devicesFile.temp())) {
            for (PolicyModel p : r.policies()) {
                for (List<Object> row : deviceRows(r, p, devices)) {
                    t.row(row);
                }
            }
        }
        Map<String, Object> manifest = manifest(r, inputSha256, inputName);
        @SuppressWarnings("unchecked")
        Map<String, Object> params = (Map<String, Object>) manifest.get("parameters");
        List<Object> links = new ArrayList<>();
        for (DmaThroughput d : devices) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("device", String.format(Locale.ROOT, "0x%04x", d.device()));
            m.put("link_gbps", d.linkGbps());
            m.put("inflight", d.inflight());
            m.put("latency_ns", d.latencyNs());
            links.add(m);
        }
        params.put("devices", links);
        out.manifest(manifest);
    }

    /** One device-minute of a policy: the DMA, what its translations cost, and the throughput model's figures (null without a link). */
    public record DeviceMinute(int minute, int device, long dmas, long bytes, long lookups, long misses, long walkReads,
                               long translationNs, DmaThroughput link, DmaThroughput.Minute model) {
    }

    /** Each device's minutes for one policy (devices in ascending id; every minute of the replay). */
    public static List<DeviceMinute> deviceMinutes(ReplayResult r, PolicyModel p, List<DmaThroughput> devices) {
        Map<Integer, DmaThroughput> links = new LinkedHashMap<>();
        for (DmaThroughput d : devices) {
            links.put(d.device(), d);
        }
        Map<Integer, MinuteSeries<DeviceCounters.Col>> own = p.devices().devices();
        long[] none = new long[DeviceCounters.Col.values().length];
        List<DeviceMinute> out = new ArrayList<>();
        for (var e : r.devices().devices().entrySet()) {
            DmaThroughput link = links.get(e.getKey());
            // Accesses, bytes and lookups are the trace's (the same for every policy); misses and reads the policy's.
            MinuteSeries<DeviceCounters.Col> common = e.getValue();
            MinuteSeries<DeviceCounters.Col> mine = own.get(e.getKey());
            for (int minute = 0; minute < r.minutes(); minute++) {
                long[] v = minute < common.minutes() ? common.row(minute) : none;
                long[] w = mine != null && minute < mine.minutes() ? mine.row(minute) : none;
                long dmas = v[DeviceCounters.Col.DMAS.ordinal()];
                long bytes = v[DeviceCounters.Col.BYTES.ordinal()];
                long misses = w[DeviceCounters.Col.MISSES.ordinal()];
                long reads = w[DeviceCounters.Col.WALK_READS.ordinal()];
                long translation = r.config().costs().translationNs(misses, reads);
                out.add(new DeviceMinute(minute, e.getKey(), dmas, bytes, v[DeviceCounters.Col.LOOKUPS.ordinal()], misses,
                        reads, translation, link, link == null || dmas == 0 ? null : link.minute(dmas, bytes, translation, 60)));
            }
        }
        return out;
    }

    /** The rows of devices.csv of one policy. */
    private static List<List<Object>> deviceRows(ReplayResult r, PolicyModel p, List<DmaThroughput> devices) {
        List<List<Object>> rows = new ArrayList<>();
        for (DeviceMinute d : deviceMinutes(r, p, devices)) {
            List<Object> row = new ArrayList<>(List.of(d.minute(), p.spec().name(), d.device(), d.dmas(), d.bytes(),
                    d.lookups(), d.misses(), d.walkReads(), d.translationNs(), d.bytes() * 8 / 60e9));
            row.add(d.link() == null ? null : d.link().linkGbps());
            DmaThroughput.Minute m = d.model();
            if (m == null) {
                row.addAll(java.util.Arrays.asList(null, null, null, null, null));
            } else {
                row.addAll(List.of(m.translationNsPerDma(), m.capacityGbps(), m.capacityWithoutTranslationGbps(),
                        m.capacityLostPct(), m.achievedGbps()));
            }
            rows.add(row);
        }
        return rows;
    }

    private static List<Object> summaryRow(ReplayResult r, PolicyModel p, PolicyModel base) {
        List<Object> row = new ArrayList<>();
        for (FieldSpec f : SUMMARY.fields()) {
            String n = f.name();
            switch (n) {
                case "policy" -> row.add(p.spec().name());
                case "spec" -> row.add(p.spec().spec());
                case "baseline" -> row.add(base.spec().name());
                case "minutes" -> row.add(r.minutes());
                case "anomalies" -> row.add(r.anomalies().total());
                default -> row.add(summaryValue(n, p.series(), base.series()));
            }
        }
        return row;
    }

    private static Object summaryValue(String column, MinuteSeries<Metric> s, MinuteSeries<Metric> base) {
        if (column.equals("cpu_us_per_exit")) {
            return perExitUs(s);
        }
        if (column.equals("cpu_us_per_exit_change_pct")) {
            Double v = perExitUs(s);
            Double b = perExitUs(base);
            return v == null || b == null || b == 0 ? null : (v - b) * 100 / b;
        }
        if (column.endsWith("_change_pct")) {
            Metric m = Metric.valueOf(column.substring(0, column.length() - "_change_pct".length()).toUpperCase(Locale.ROOT));
            return changePct(s.total(m), base.total(m));
        }
        if (column.endsWith("_peak")) {
            return s.peak(Metric.valueOf(column.substring(0, column.length() - "_peak".length()).toUpperCase(Locale.ROOT)));
        }
        return s.total(Metric.valueOf(column.toUpperCase(Locale.ROOT)));
    }

    /** Modelled CPU µs per process exit (per fork+exit of the fork-exit preset), or null without exits. */
    public static Double perExitUs(MinuteSeries<Metric> s) {
        long exits = s.total(Metric.PROC_EXITS);
        return exits == 0 ? null : s.total(Metric.CPU_NS_TOTAL) / 1e3 / exits;
    }

    /** Change of {@code value} against {@code base} in percent; null when the base is 0 and the value is not. */
    public static Double changePct(long value, long base) {
        if (base == 0) {
            return value == 0 ? 0.0 : null;
        }
        return (value - base) * 100.0 / base;
    }

    private static Map<String, Object> manifest(ReplayResult r, String sha256, String inputName) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("path", inputName);
        input.put("sha256", sha256);
        input.put("events", r.events());
        input.put("metadata", new java.util.TreeMap<>(r.metadata()));
        m.put("input", input);
        Map<String, Object> params = new LinkedHashMap<>();
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("name", r.config().profile().name());
        profile.put("description", r.config().profile().description());
        profile.put("unmap_flush_not_present", r.config().profile().unmapFlushNotPresent());
        profile.put("multi_page_flush_is_domain_selective", r.config().profile().multiPageIsDomainFlush());
        profile.put("premaps_domain_pages", r.config().profile().premapsDomainPages());
        params.put("profile", profile);
        params.put("paging", r.paging().label());
        params.put("paging_source", r.pagingSource());
        Map<String, Object> iommu = new LinkedHashMap<>();
        iommu.put("caching_mode", r.config().iommu().cachingMode());
        iommu.put("page_selective", r.config().iommu().pageSelective());
        iommu.put("max_address_mask", r.config().iommu().maxAddressMask());
        iommu.put("units", r.config().iommu().units());
        iommu.put("iotlb_entries", r.config().iommu().iotlbEntries());
        iommu.put("iotlb_ways", r.config().iommu().iotlbWays());
        iommu.put("io_levels", r.config().iommu().ioLevels());
        iommu.put("psc_entries", List.of(r.config().iommu().pdeCache(), r.config().iommu().pdpeCache(),
                r.config().iommu().pml4Cache()));
        iommu.put("psc_invalidation", r.config().iommu().pscDomainWide() ? "domain" : "range");
        iommu.put("dma_page_size", r.config().iommu().superpageDma() ? "2m" : "4k");
        params.put("iommu", iommu);
        params.put("costs_ns", r.config().costs().asMap());
        params.put("cost_profile", r.config().costProfile().describe());
        params.put("strict", r.config().strict());
        List<Object> policies = new ArrayList<>();
        for (PolicySpec p : r.config().policies()) {
            policies.add(p.describe());
        }
        params.put("policies", policies);
        params.put("baseline", r.config().policies().get(0).name());
        m.put("parameters", params);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("minutes", r.minutes());
        Anomalies a = r.anomalies();
        Map<String, Object> anomalies = new LinkedHashMap<>();
        anomalies.put("total", a.total());
        Map<String, Long> byKind = new LinkedHashMap<>();
        a.counts().forEach((k, v) -> byKind.put(k.column(), v));
        anomalies.put("by_kind", byKind);
        List<Object> examples = new ArrayList<>();
        for (Anomalies.Example e : a.examples()) {
            examples.add(Map.of("kind", e.kind().column(), "row", e.row(), "message", e.message()));
        }
        anomalies.put("examples", examples);
        results.put("anomalies", anomalies);
        results.put("warnings", r.warnings());
        m.put("results", results);
        Map<String, Object> run = new LinkedHashMap<>();
        double seconds = r.wallNanos() / 1e9;
        run.put("threads", r.config().threads());
        run.put("wall_seconds", Math.round(seconds * 1000) / 1000.0);
        run.put("events_per_second", Math.round(r.events() / Math.max(seconds, 1e-9)));
        m.put("run", run);
        return m;
    }

    /** The short table for standard output. */
    public static String table(ReplayResult r) {
        StringBuilder b = new StringBuilder();
        int w = Math.max(8, r.policies().stream().mapToInt(p -> p.spec().name().length()).max().orElse(8));
        String fmt = "%-" + w + "s %12s %12s %10s %10s %10s %10s %12s %12s %11s%n";
        b.append(String.format(Locale.ROOT, fmt, "policy", "flush_calls", "flush_issued", "unmaps", "maps",
                "type_chg", "pool_peak", "cpu_alloc_ms", "cpu_free_ms", "calls_vs_1st"));
        MinuteSeries<Metric> base = r.policies().get(0).series();
        for (PolicyModel p : r.policies()) {
            MinuteSeries<Metric> s = p.series();
            Double change = changePct(s.total(Metric.FLUSH_CALLS), base.total(Metric.FLUSH_CALLS));
            b.append(String.format(Locale.ROOT, fmt, p.spec().name(),
                    String.format(Locale.ROOT, "%,d", s.total(Metric.FLUSH_CALLS)),
                    String.format(Locale.ROOT, "%,d", s.total(Metric.FLUSH_ISSUED)),
                    String.format(Locale.ROOT, "%,d", s.total(Metric.UNMAPS)),
                    String.format(Locale.ROOT, "%,d", s.total(Metric.MAPS)),
                    String.format(Locale.ROOT, "%,d", s.total(Metric.TYPE_CHANGES)),
                    String.format(Locale.ROOT, "%,d", s.peak(Metric.POOL_PAGES)),
                    String.format(Locale.ROOT, "%,.1f", s.total(Metric.CPU_NS_ALLOC) / 1e6),
                    String.format(Locale.ROOT, "%,.1f", s.total(Metric.CPU_NS_FREE) / 1e6),
                    change == null ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", change)));
        }
        return b.toString();
    }
}
