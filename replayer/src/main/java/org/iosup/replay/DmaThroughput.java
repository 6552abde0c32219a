package org.iosup.replay;

import org.iosup.io.UserException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What translation costs a device's DMA throughput (docs/model.md §4, "Throughput"). A device
 * keeps up to {@code inflight} DMAs outstanding (PCIe tags); each holds its slot for the
 * round trip {@code latencyNs}, its transfer on the link ({@code bytes × 8 / linkGbps} ns) and
 * the time its pages' translations take (IOTLB misses: {@code iotlb_miss_ns} each, and
 * {@code walk_read_ns} per I/O page-table entry read). So the most the device can move is
 *
 * <pre>
 *   capacity = min(link, inflight × S / (latency + S × 8 / link + T))
 * </pre>
 *
 * for DMAs of mean size S taking mean translation time T; without translation (an IOMMU that never
 * misses) T is 0. A workload that saturates the link (netperf) gets the capacity; one that offers
 * less gets what it offers, up to the capacity. The inputs are each minute's counts of the replay.
 *
 * @param device    PCI requester id
 * @param linkGbps  link rate, Gb/s
 * @param inflight  DMAs outstanding at once
 * @param latencyNs round trip of one DMA without translation, ns
 */
public record DmaThroughput(int device, double linkGbps, int inflight, double latencyNs) {
    /** The synthesizer's NIC: the paper's 1 Gb/s link (docs/paper.md). */
    public static final DmaThroughput SYNTH_NIC = new DmaThroughput(0x0100, 1, 32, 1000);
    /** The synthesizer's disk controller: a SATA 6 Gb/s port. */
    public static final DmaThroughput SYNTH_DISK = new DmaThroughput(0x00fa, 6, 32, 1000);

    /** This device on a link of {@code gbps}. */
    public DmaThroughput withLink(double gbps) {
        return new DmaThroughput(device, gbps, inflight, latencyNs);
    }

    /** One device-minute's figures. */
    public record Minute(double offeredGbps, double translationNsPerDma, double capacityGbps,
                         double capacityWithoutTranslationGbps, double capacityLostPct, double achievedGbps) {
    }

    public DmaThroughput {
        if (!(linkGbps > 0) || linkGbps > 10_000) {
            throw new UserException("--device: the link rate must be above 0 and at most 10000 Gb/s, got " + linkGbps);
        }
        if (inflight < 1 || inflight > 65_536) {
            throw new UserException("--device: DMAs in flight must be 1..65536, got " + inflight);
        }
        if (!(latencyNs >= 0) || latencyNs > 1e9) {
            throw new UserException("--device: the DMA latency must be 0..1e9 ns, got " + latencyNs);
        }
    }

    /**
     * The figures of a minute with {@code dmas} DMAs moving {@code bytes} over {@code seconds},
     * whose translations took {@code translationNs} in all.
     */
    public Minute minute(long dmas, long bytes, double translationNs, double seconds) {
        double offered = bytes * 8 / (seconds * 1e9);
        if (dmas == 0) {
            return new Minute(0, 0, linkGbps, linkGbps, 0, 0);
        }
        double size = (double) bytes / dmas;
        double t = translationNs / dmas;
        double with = capacity(size, t);
        double without = capacity(size, 0);
        double lost = without == 0 ? 0 : (without - with) * 100 / without;
        return new Minute(offered, t, with, without, lost, Math.min(offered, with));
    }

    /** Gb/s the device can move with DMAs of {@code size} bytes, each taking {@code t} ns to translate. */
    public double capacity(double size, double t) {
        double wire = size * 8 / linkGbps;
        double pipelined = inflight * size * 8 / (latencyNs + wire + t);
        return Math.min(linkGbps, pipelined);
    }

    /**
     * The lowest link rate at which translation of {@code t} ns per DMA of {@code size} bytes costs
     * 1% of the capacity (the pipeline, no longer the link, limits it): solved from
     * {@code inflight × S × 8 / (latency + S × 8 / R + t) = 0.99 R}.
     */
    public double linkGbpsLosingOnePercent(double size, double t) {
        double bits = size * 8;
        return bits * (inflight - 0.99) / (0.99 * (latencyNs + t));
    }

    /**
     * Parses {@code --device ID=GBPS[,inflight=N][,latency=NS]} (ID in hex with 0x, or decimal).
     */
    public static DmaThroughput parse(String text) {
        int eq = text.indexOf('=');
        if (eq < 0) {
            throw new UserException("--device " + text + ": give ID=GBPS[,inflight=N][,latency=NS], e.g. --device 0x0100=10");
        }
        String id = text.substring(0, eq).strip();
        int device;
        try {
            device = id.startsWith("0x") ? Integer.parseInt(id.substring(2), 16) : Integer.parseInt(id);
        } catch (NumberFormatException e) {
            throw new UserException("--device " + text + ": '" + id + "' is not a PCI requester id (e.g. 0x0100 or 256)");
        }
        if (device < 0 || device > 0xffff) {
            throw new UserException("--device " + text + ": a requester id is 0..0xffff");
        }
        String[] parts = text.substring(eq + 1).split(",");
        double gbps = number(parts[0], text, "the link rate");
        int inflight = SYNTH_NIC.inflight();
        double latency = SYNTH_NIC.latencyNs();
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            int e = p.indexOf('=');
            String key = e < 0 ? p : p.substring(0, e);
            if (seen.put(key, true) != null) {
                throw new UserException("--device " + text + ": " + key + " is given twice");
            }
            switch (key) {
                case "inflight" -> inflight = (int) number(p.substring(e + 1), text, "inflight");
                case "latency" -> latency = number(p.substring(e + 1), text, "latency");
                default -> throw new UserException("--device " + text + ": unknown option '" + key
                        + "' (valid: inflight=N, latency=NS)");
            }
        }
        return new DmaThroughput(device, gbps, inflight, latency);
    }

    private static double number(String s, String text, String what) {
        try {
            double v = Double.parseDouble(s.strip());
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UserException("--device " + text + ": " + what + " '" + s.strip() + "' is not a number");
    }
}
