package org.iosup.sweep;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.iosup.io.Failures;
import org.iosup.io.Temporaries;
import org.iosup.io.UserException;
import org.iosup.model.CostProfile;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.replay.DeviceCounters;
import org.iosup.replay.DmaThroughput;
import org.iosup.replay.PolicyModel;
import org.iosup.replay.PolicySpec;
import org.iosup.replay.Replay;
import org.iosup.replay.ReplayConfig;
import org.iosup.replay.ReplayResult;
import org.iosup.schema.TableSchema;
import org.iosup.synth.SynthParams;
import org.iosup.synth.SyntheticTrace;
import org.iosup.trace.BatchPipe;
import org.iosup.trace.parquet.ParquetTraceWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code iosup sweep-nic}: netperf's TCP_STREAM (with or without the busy setting's processes)
 * at several link rates, each synthesized for a few seconds and replayed under the policies with
 * each DMA page size; the NIC's figures over the whole trace go through the throughput model
 * ({@link DmaThroughput}): what a stream that fills the link would get at each rate.
 */
public final class NicSweep {
    public static final TableSchema SCHEMA = TableSchema.load("sweep-nic");

    /**
     * What to sweep.
     *
     * @param rates      link rates, Gb/s
     * @param seconds    trace length per rate
     * @param busyChurn  the busy setting's processes run beside netperf
     * @param seed       the synthesizer's seed
     * @param policies   the policies replayed
     * @param profile    hypervisor profile
     * @param iommu      the IOMMU; its DMA page size is replaced by each of {@code pageSizes}
     * @param pageSizes  "4k" and/or "2m"
     * @param costs      the cost profile (for the translation time)
     * @param inflight   the NIC's DMAs in flight
     * @param latencyNs  the NIC's DMA round trip without translation
     */
    public record Options(List<Double> rates, double seconds, boolean busyChurn, long seed, List<PolicySpec> policies,
                          HypervisorProfile profile, IommuConfig iommu, List<String> pageSizes, CostProfile costs,
                          int inflight, double latencyNs) {
    }

    /** One row of throughput.csv. */
    public record Row(double linkGbps, String policy, String pageSize, long dmas, long bytes, long lookups, long misses,
                      long walkReads, double translationNsPerDma, double capacityGbps, double capacityWithoutGbps,
                      double lostPct) {
    }

    private NicSweep() {
    }

    /** Runs the sweep; {@code step} is told each step. Scratch traces live in a temporary folder, removed at the end. */
    public static List<Row> run(Options o, Consumer<String> step) {
        List<Row> rows = new ArrayList<>();
        Path scratch;
        try {
            scratch = Files.createTempDirectory("iosup-sweep-nic");
        } catch (IOException e) {
            throw new UserException("cannot create a scratch folder: " + Failures.reason(e), e);
        }
        Temporaries.register(scratch);
        try {
            for (double rate : o.rates()) {
                step.accept(String.format(java.util.Locale.ROOT, "synth netperf %s Gb/s", number(rate)));
                Path trace = scratch.resolve("netperf.parquet");
                SynthParams d = SynthParams.defaults("netperf");
                SynthParams p = new SynthParams("netperf", o.seconds() / 60, o.seed(), d.paging(), d.creationsPerMin(),
                        d.iterationMin(), d.lifetimeExponent(), d.minLifetimeS(), d.execShare(), d.browserMb(),
                        d.bootProcesses(), d.daemons(), d.decayMin(), d.busyAfterMin(), rate, d.packetBytes(), d.rxShare(),
                        d.ringEntries(), d.diskMbps(), d.diskRequestKb(), d.cpus(), d.sndbufKb(), o.busyChurn()).validate();
                try (SyntheticTrace src = new SyntheticTrace(p);
                     ParquetTraceWriter w = ParquetTraceWriter.create(trace, CompressionCodecName.ZSTD, src.metadata())) {
                    BatchPipe.copy(src, w::write);
                    w.commit();
                }
                DmaThroughput nic = new DmaThroughput(DmaThroughput.SYNTH_NIC.device(), rate, o.inflight(), o.latencyNs());
                for (String size : o.pageSizes()) {
                    step.accept(String.format(java.util.Locale.ROOT, "replay %s Gb/s, %s pages", number(rate), size));
                    IommuConfig i = o.iommu();
                    IommuConfig iommu = new IommuConfig(i.cachingMode(), i.pageSelective(), i.maxAddressMask(), i.units(),
                            i.iotlbEntries(), i.iotlbWays(), i.ioLevels(), i.pdeCache(), i.pdpeCache(), i.pml4Cache(),
                            size.equals("2m"), i.pscDomainWide());
                    ReplayResult r = Replay.run(new ReplayConfig(trace, o.policies(), o.profile(), null, iommu, o.costs(),
                            1, false), null);
                    rows.addAll(rows(r, nic, size, o.costs()));
                }
                Files.deleteIfExists(trace);
            }
        } catch (IOException e) {
            throw new UserException("cannot write a scratch trace in " + scratch + ": " + Failures.reason(e), e);
        } finally {
            Temporaries.deleteTree(scratch);
            Temporaries.unregister(scratch);
        }
        return rows;
    }

    /** The NIC's figures of each policy of a replay, over the whole trace. */
    static List<Row> rows(ReplayResult r, DmaThroughput nic, String pageSize, CostProfile costs) {
        long[] common = totals(r.devices().devices().get(nic.device()));
        List<Row> out = new ArrayList<>();
        for (PolicyModel p : r.policies()) {
            long[] own = totals(p.devices().devices().get(nic.device()));
            long dmas = common[DeviceCounters.Col.DMAS.ordinal()];
            long bytes = common[DeviceCounters.Col.BYTES.ordinal()];
            long misses = own[DeviceCounters.Col.MISSES.ordinal()];
            long reads = own[DeviceCounters.Col.WALK_READS.ordinal()];
            double translation = misses * (double) costs.costs().iotlbMissNs() + reads * (double) costs.costs().walkReadNs();
            double size = dmas == 0 ? 0 : (double) bytes / dmas;
            double t = dmas == 0 ? 0 : translation / dmas;
            double with = dmas == 0 ? nic.linkGbps() : nic.capacity(size, t);
            double without = dmas == 0 ? nic.linkGbps() : nic.capacity(size, 0);
            out.add(new Row(nic.linkGbps(), p.spec().name(), pageSize, dmas, bytes,
                    common[DeviceCounters.Col.LOOKUPS.ordinal()], misses, reads, t, with, without,
                    without == 0 ? 0 : (without - with) * 100 / without));
        }
        return out;
    }

    private static long[] totals(org.iosup.analysis.MinuteSeries<DeviceCounters.Col> s) {
        long[] t = new long[DeviceCounters.Col.values().length];
        if (s != null) {
            for (DeviceCounters.Col c : DeviceCounters.Col.values()) {
                t[c.ordinal()] = s.total(c);
            }
        }
        return t;
    }

    static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
