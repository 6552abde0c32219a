package org.iosup.synth;

import org.iosup.io.UserException;
import org.iosup.model.guest.Paging;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every parameter of the synthesizer, with its default and where the default comes from.
 *
 * @param preset           idle, busy, boot-busy or fork-exit
 * @param minutes          trace length
 * @param seed             random seed
 * @param paging           the guest's paging mode
 * @param creationsPerMin  busy: process creations per minute; fork-exit: forks per minute
 * @param iterationMin     busy: minutes per browser iteration
 * @param lifetimeExponent busy: k of P(lifetime > t) ∝ t^k (truncated Pareto)
 * @param minLifetimeS     busy: shortest child lifetime, seconds
 * @param execShare        share of children that exec another program soon after fork
 * @param browserMb        busy: memory of the browser process at the end of an iteration, MB
 * @param bootProcesses    idle: processes started by the boot burst
 * @param daemons          idle: of those, daemons that live on
 * @param decayMin         idle: time constant of the decay of process churn, minutes
 * @param busyAfterMin     boot-busy: minutes of idle before the busy loop starts
 * @param nicGbps          NIC throughput, Gb/s (0: no NIC DMA)
 * @param packetBytes      bytes per NIC packet (a full Ethernet frame)
 * @param rxShare          share of NIC packets received (device writes memory)
 * @param ringEntries      NIC ring buffers per direction
 * @param diskMbps         disk throughput, MB/s (0: no disk DMA)
 * @param diskRequestKb    bytes per disk request, KiB
 * @param cpus             CPUs of the guest
 * @param sndbufKb         netperf: the socket's send buffer, KiB, whose pages the NIC reads in turn
 * @param busyChurn        netperf: the busy setting's processes run beside it
 * @param rampMin          busy: minutes over which the creation rate rises from 0 to its full value
 *                         at the loop's start (a cold-start hypothesis; 0: full rate at once)
 */
public record SynthParams(String preset, double minutes, long seed, Paging paging, double creationsPerMin,
                          double iterationMin, double lifetimeExponent, double minLifetimeS, double execShare,
                          double browserMb, int bootProcesses, int daemons, double decayMin, double busyAfterMin,
                          double nicGbps, int packetBytes, double rxShare, int ringEntries, double diskMbps,
                          int diskRequestKb, int cpus, int sndbufKb, boolean busyChurn, double rampMin) {

    /** The paper's busy rate: 542.14 process creations a minute (docs/paper.md). */
    public static final double PAPER_CREATIONS_PER_MIN = 542.14;
    /**
     * The NIC rate of every preset: the paper's netperf TCP_STREAM measured 87.9 Mb/s on its 1 Gb/s
     * link (docs/paper.md), so a trace of its busy setting carries about 88 Mb/s of NIC DMA.
     */
    public static final double PAPER_NIC_GBPS = 0.088;
    /** The NIC rate of the speed benchmarks: the link's 1 Gb/s, so that most events are DMA. */
    public static final double BENCH_NIC_GBPS = 1;
    /** The longest trace: 366 days, the event schema's bound on {@code ts_ns}. */
    public static final double MAX_MINUTES = 366 * 24 * 60;

    /** A parameter with its value and the source of its default, for --describe. */
    public record Described(String name, String value, String source) {
    }

    /** The presets, in the order --help names them. */
    public static final List<String> PRESETS = List.of("idle", "busy", "boot-busy", "fork-exit", "netperf");
    /** netperf: Linux's largest TCP send buffer by default, tcp_wmem's maximum of 4 MiB (ip-sysctl). */
    public static final int NETPERF_SNDBUF_KB = 4096;
    /**
     * fork-exit's rate: 1,000 fork+exit pairs a second, a round figure (a rate changes only the
     * per-minute columns, not the time per fork+exit; lmbench runs its pairs back to back).
     */
    public static final double FORK_EXIT_PER_MIN = 60_000;

    public static SynthParams defaults(String preset) {
        if (!PRESETS.contains(preset)) {
            throw new UserException("unknown preset '" + preset + "' (valid: " + String.join(", ", PRESETS) + ")");
        }
        // The busy and idle settings' parameters, each with its source in describe().
        SynthParams paper = new SynthParams(preset, 30, 1, Paging.PAE, PAPER_CREATIONS_PER_MIN, 5, -1, 0.05, 0.8, 284.1,
                150, 25, 2, 10, PAPER_NIC_GBPS, 1514, 0.5, 256, 8, 64, 4, NETPERF_SNDBUF_KB, false, 0);
        if (preset.equals("fork-exit")) {
            // lmbench's lat_proc fork alone on the machine: no NIC, no disk, one CPU, no exec.
            return paper.toBuilder().minutes(1).creationsPerMin(FORK_EXIT_PER_MIN).execShare(0).browserMb(0)
                    .bootProcesses(0).daemons(0).nicGbps(0).diskMbps(0).cpus(1).build();
        }
        if (preset.equals("netperf")) {
            // netperf TCP_STREAM for 60 s on the paper's 1 Gb/s link, which it fills; no disk.
            return paper.toBuilder().minutes(1).nicGbps(1).diskMbps(0).build();
        }
        return paper;
    }

    /** These parameters with the busy setting's processes beside netperf, or not. */
    public SynthParams withBusyChurn(boolean churn) {
        return toBuilder().busyChurn(churn).build();
    }

    /** These parameters with another length, seed and (when not null) NIC rate. */
    public SynthParams with(double minutes, long seed, Double nicGbps) {
        return toBuilder().minutes(minutes).seed(seed).nicGbps(nicGbps == null ? this.nicGbps : nicGbps).build();
    }

    /** A builder holding these parameters, to change some of them by name. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Parameters changed by name from a starting set: {@code p.toBuilder().minutes(5).seed(2).build()}. */
    public static final class Builder {
        private String preset;
        private double minutes;
        private long seed;
        private Paging paging;
        private double creationsPerMin;
        private double iterationMin;
        private double lifetimeExponent;
        private double minLifetimeS;
        private double execShare;
        private double browserMb;
        private int bootProcesses;
        private int daemons;
        private double decayMin;
        private double busyAfterMin;
        private double nicGbps;
        private int packetBytes;
        private double rxShare;
        private int ringEntries;
        private double diskMbps;
        private int diskRequestKb;
        private int cpus;
        private int sndbufKb;
        private boolean busyChurn;
        private double rampMin;

        private Builder(SynthParams p) {
            this.preset = p.preset;
            this.minutes = p.minutes;
            this.seed = p.seed;
            this.paging = p.paging;
            this.creationsPerMin = p.creationsPerMin;
            this.iterationMin = p.iterationMin;
            this.lifetimeExponent = p.lifetimeExponent;
            this.minLifetimeS = p.minLifetimeS;
            this.execShare = p.execShare;
            this.browserMb = p.browserMb;
            this.bootProcesses = p.bootProcesses;
            this.daemons = p.daemons;
            this.decayMin = p.decayMin;
            this.busyAfterMin = p.busyAfterMin;
            this.nicGbps = p.nicGbps;
            this.packetBytes = p.packetBytes;
            this.rxShare = p.rxShare;
            this.ringEntries = p.ringEntries;
            this.diskMbps = p.diskMbps;
            this.diskRequestKb = p.diskRequestKb;
            this.cpus = p.cpus;
            this.sndbufKb = p.sndbufKb;
            this.busyChurn = p.busyChurn;
            this.rampMin = p.rampMin;
        }

        public Builder preset(String v) {
            this.preset = v;
            return this;
        }

        public Builder minutes(double v) {
            this.minutes = v;
            return this;
        }

        public Builder seed(long v) {
            this.seed = v;
            return this;
        }

        public Builder paging(Paging v) {
            this.paging = v;
            return this;
        }

        public Builder creationsPerMin(double v) {
            this.creationsPerMin = v;
            return this;
        }

        public Builder iterationMin(double v) {
            this.iterationMin = v;
            return this;
        }

        public Builder lifetimeExponent(double v) {
            this.lifetimeExponent = v;
            return this;
        }

        public Builder minLifetimeS(double v) {
            this.minLifetimeS = v;
            return this;
        }

        public Builder execShare(double v) {
            this.execShare = v;
            return this;
        }

        public Builder browserMb(double v) {
            this.browserMb = v;
            return this;
        }

        public Builder bootProcesses(int v) {
            this.bootProcesses = v;
            return this;
        }

        public Builder daemons(int v) {
            this.daemons = v;
            return this;
        }

        public Builder decayMin(double v) {
            this.decayMin = v;
            return this;
        }

        public Builder busyAfterMin(double v) {
            this.busyAfterMin = v;
            return this;
        }

        public Builder nicGbps(double v) {
            this.nicGbps = v;
            return this;
        }

        public Builder packetBytes(int v) {
            this.packetBytes = v;
            return this;
        }

        public Builder rxShare(double v) {
            this.rxShare = v;
            return this;
        }

        public Builder ringEntries(int v) {
            this.ringEntries = v;
            return this;
        }

        public Builder diskMbps(double v) {
            this.diskMbps = v;
            return this;
        }

        public Builder diskRequestKb(int v) {
            this.diskRequestKb = v;
            return this;
        }

        public Builder cpus(int v) {
            this.cpus = v;
            return this;
        }

        public Builder sndbufKb(int v) {
            this.sndbufKb = v;
            return this;
        }

        public Builder busyChurn(boolean v) {
            this.busyChurn = v;
            return this;
        }

        public Builder rampMin(double v) {
            this.rampMin = v;
            return this;
        }

        /** The parameters (not validated: {@link SynthParams#validate()} checks user input). */
        public SynthParams build() {
            return new SynthParams(preset, minutes, seed, paging, creationsPerMin, iterationMin, lifetimeExponent, minLifetimeS, execShare, browserMb, bootProcesses, daemons, decayMin, busyAfterMin, nicGbps, packetBytes, rxShare, ringEntries, diskMbps, diskRequestKb, cpus, sndbufKb, busyChurn, rampMin);
        }
    }

    /**
     * The busy preset with a 1 Gb/s NIC ({@link #BENCH_NIC_GBPS}, so mostly DMA events), as long as
     * it takes to give about {@code events} events: about 83,000 NIC packets a second plus the
     * processes and the disk. The benchmarks use it.
     */
    public static SynthParams busyForEvents(long events, long seed) {
        SynthParams d = defaults("busy").with(1, seed, BENCH_NIC_GBPS);
        return d.with(Math.max(1e-6, events / d.eventsPerMinute()), seed, null);
    }

    /**
     * About how many events a minute these parameters give (NIC packets, disk requests, and some 40
     * events of a process's life), for the size estimate and the benchmarks; within a few percent
     * for busy, an upper bound for idle.
     */
    public double eventsPerMinute() {
        double nic = nicGbps * 1e9 / (packetBytes * 8.0) * 60 * (preset.equals("netperf") ? 2.5 : 1);
        double disk = diskMbps * 1e6 / (diskRequestKb * 1024.0) * 60;
        double processes = preset.equals("fork-exit") ? creationsPerMin * 20 : preset.equals("idle") ? (bootProcesses * 40.0) / Math.max(1, minutes) : creationsPerMin * 40;
        return nic + disk + processes;
    }

    /** Fails with a user error naming the first parameter out of its range. */
    public SynthParams validate() {
        positive("--minutes", minutes);
        atMost("--minutes", minutes, MAX_MINUTES, "366 days, the event schema's bound on ts_ns");
        positive("--creations-per-min", creationsPerMin);
        atMost("--creations-per-min", creationsPerMin, 1e6, "a million a minute, far beyond any measured workload");
        positive("--iteration-min", iterationMin);
        atMost("--iteration-min", iterationMin, MAX_MINUTES, "366 days");
        if (!(lifetimeExponent < 0)) {
            throw new UserException("--lifetime-exponent must be negative (P(lifetime > t) falls with t), got " + lifetimeExponent);
        }
        positive("--min-lifetime-s", minLifetimeS);
        atMost("--min-lifetime-s", minLifetimeS, 86_400, "a day");
        share("--exec-share", execShare);
        notNegative("--browser-mb", browserMb);
        atMost("--browser-mb", browserMb, 1 << 20, "1 TiB of browser memory");
        if (bootProcesses > 1_000_000) {
            throw new UserException("--boot-processes must be at most 1000000, got " + bootProcesses);
        }
        if (bootProcesses < 0 || daemons < 0 || daemons > bootProcesses) {
            throw new UserException("--boot-processes and --daemons must be >= 0 with daemons <= boot processes, got "
                    + bootProcesses + " and " + daemons);
        }
        positive("--decay-min", decayMin);
        atMost("--decay-min", decayMin, MAX_MINUTES, "366 days");
        notNegative("--ramp-min", rampMin);
        atMost("--ramp-min", rampMin, MAX_MINUTES, "366 days");
        notNegative("--busy-after", busyAfterMin);
        atMost("--busy-after", busyAfterMin, MAX_MINUTES, "366 days");
        notNegative("--nic-gbps", nicGbps);
        atMost("--nic-gbps", nicGbps, 800, "800 Gb/s, the fastest Ethernet port");
        if (packetBytes < 64 || packetBytes > 65_536) {
            throw new UserException("--packet-bytes must be 64..65536, got " + packetBytes);
        }
        share("--rx-share", rxShare);
        if (ringEntries < 1 || ringEntries > 65_536) {
            throw new UserException("--ring-entries must be 1..65536, got " + ringEntries);
        }
        notNegative("--disk-mbps", diskMbps);
        atMost("--disk-mbps", diskMbps, 100_000, "100 GB/s, beyond any single controller");
        if (diskRequestKb < 4 || diskRequestKb > 4096) {
            throw new UserException("--disk-request-kb must be 4..4096, got " + diskRequestKb);
        }
        if (cpus < 1 || cpus > 1024) {
            throw new UserException("--cpus must be 1..1024, got " + cpus);
        }
        if (sndbufKb < 4 || sndbufKb > 1 << 20) {
            throw new UserException("--sndbuf-kb must be 4..1048576, got " + sndbufKb);
        }
        return this;
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new UserException(name + " must be positive, got " + v);
        }
    }

    private static void atMost(String name, double v, double max, String why) {
        if (v > max) {
            throw new UserException(name + " must be at most " + fmt(max) + " (" + why + "), got " + fmt(v));
        }
    }

    private static void notNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new UserException(name + " must not be negative, got " + v);
        }
    }

    private static void share(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new UserException(name + " must be within 0..1, got " + v);
        }
    }

    /** Every parameter with its value and the source of its default. */
    public List<Described> describe() {
        if (preset.equals("fork-exit")) {
            return describeForkExit();
        }
        if (preset.equals("netperf")) {
            return describeNetperf();
        }
        List<Described> d = new ArrayList<>();
        d.add(new Described("preset", preset, "--preset"));
        d.add(new Described("minutes", fmt(minutes), "trace length; the paper's figures cover 30 minutes (docs/paper.md, Figure 5)"));
        d.add(new Described("seed", Long.toString(seed), "random seed"));
        d.add(new Described("paging", paging.label(), "the paper's dom0: 32-bit PAE, 3 levels (docs/paper.md, Setup)"));
        d.add(new Described("creations-per-min", fmt(creationsPerMin), "busy: 542.14 creations a minute (docs/paper.md, busy setting)"));
        d.add(new Described("iteration-min", fmt(iterationMin), "busy: one iteration of the stress tool takes 5 minutes (docs/paper.md)"));
        d.add(new Described("lifetime-exponent", fmt(lifetimeExponent),
                "busy: P(lifetime > t) ~ t^-1 for process lifetimes (Harchol-Balter & Downey, SIGMETRICS 1996/TOCS 1997)"));
        d.add(new Described("min-lifetime-s", fmt(minLifetimeS), "assumption: shortest child lifetime, where the power law starts"));
        d.add(new Described("exec-share", fmt(execShare), "assumption: most children of a browser or shell exec another program"));
        d.add(new Described("ramp-min", fmt(rampMin), "busy: the creation rate rises linearly from 0 over this many "
                + "minutes at the loop's start: a cold-start hypothesis for the paper's 5-minute rise, off by default "
                + "(docs/synthesizer.md)"));
        d.add(new Described("browser-mb", fmt(browserMb), "busy: 284.1 MB of memory on average per iteration (docs/paper.md); "
                + "one PTE page maps 2 MB (PAE and x86-64)"));
        d.add(new Described("boot-processes", Integer.toString(bootProcesses), "idle: assumption: a Ubuntu 12.04 boot starts ~150 processes"));
        d.add(new Described("daemons", Integer.toString(daemons), "idle: assumption: daemons that stay (sshd, cron, udev, getty...)"));
        d.add(new Described("decay-min", fmt(decayMin), "idle: churn falls as e^(-t/decay): near zero within ~10 minutes (docs/paper.md, idle setting)"));
        d.add(new Described("busy-after-min", fmt(busyAfterMin), "boot-busy: idle first, until the flush rate is zero (docs/paper.md: within 10 minutes)"));
        d.add(new Described("nic-gbps", fmt(nicGbps), "the paper's netperf throughput, 87.9 Mb/s on its 1 Gb/s link "
                + "(docs/paper.md); 0 turns NIC DMA off"));
        d.add(new Described("packet-bytes", Integer.toString(packetBytes), "a full Ethernet frame: 1500 bytes of MTU + 14 of header"));
        d.add(new Described("rx-share", fmt(rxShare), "assumption: packets received vs sent"));
        d.add(new Described("ring-entries", Integer.toString(ringEntries), "assumption: 256 descriptors per ring (a common e1000e/igb default)"));
        d.add(new Described("disk-mbps", fmt(diskMbps), "assumption: light disk traffic of a desktop"));
        d.add(new Described("disk-request-kb", Integer.toString(diskRequestKb), "assumption: 64 KiB read-ahead requests"));
        d.add(new Described("cpus", Integer.toString(cpus), "the paper's Core i5-3470 has 4 cores (docs/paper.md)"));
        return d;
    }

    private List<Described> describeNetperf() {
        List<Described> d = new ArrayList<>();
        d.add(new Described("preset", preset, "--preset: netperf TCP_STREAM, the paper's throughput test (docs/paper.md)"));
        d.add(new Described("minutes", fmt(minutes), "trace length: the paper's 60 s"));
        d.add(new Described("seed", Long.toString(seed), "random seed"));
        d.add(new Described("paging", paging.label(), "the paper's dom0: 32-bit PAE, 3 levels (docs/paper.md, Setup)"));
        d.add(new Described("nic-gbps", fmt(nicGbps), "the link rate, which TCP_STREAM fills: the paper's 1 Gb/s"));
        d.add(new Described("message-kb", "16", "the paper's 16 KB sends: a TCP stream fills the send buffer in order "
                + "whatever the send size, so it does not change the DMA (not a parameter)"));
        d.add(new Described("sndbuf-kb", Integer.toString(sndbufKb), "the socket's send buffer, whose pages the NIC "
                + "reads in turn: Linux tcp_wmem's maximum, 4 MiB (Documentation/networking/ip-sysctl)"));
        d.add(new Described("packet-bytes", Integer.toString(packetBytes), "a full Ethernet frame: 1,448 bytes of payload "
                + "(MSS with timestamps) and 66 of headers"));
        d.add(new Described("ring-entries", Integer.toString(ringEntries), "receive buffers, recycled, where the ACKs "
                + "land: one ACK per two segments (delayed ACK)"));
        d.add(new Described("busy-churn", Boolean.toString(busyChurn), "the busy setting's processes beside it "
                + "(--busy-churn): its page-table churn and flushes"));
        if (busyChurn) {
            d.add(new Described("creations-per-min", fmt(creationsPerMin), "busy: 542.14 creations a minute (docs/paper.md)"));
        }
        d.add(new Described("cpus", Integer.toString(cpus), "the paper's Core i5-3470 has 4 cores (docs/paper.md)"));
        return d;
    }

    private List<Described> describeForkExit() {
        List<Described> d = new ArrayList<>();
        d.add(new Described("preset", preset, "--preset: lmbench's lat_proc fork, a parent forking a child that exits at once"));
        d.add(new Described("minutes", fmt(minutes), "trace length"));
        d.add(new Described("seed", Long.toString(seed), "random seed (the parent's own footprint)"));
        d.add(new Described("paging", paging.label(), "the paper's dom0: 32-bit PAE, 3 levels (docs/paper.md, Setup)"));
        d.add(new Described("creations-per-min", fmt(creationsPerMin), "forks a minute: 1,000 a second, a round rate "
                + "(it changes the per-minute columns, not the time per fork+exit)"));
        d.add(new Described("child-l1-pages", Integer.toString(SyntheticTrace.FORK_CHILD_L1_PAGES),
                "PTE pages fork copies for the child: copy_page_range copies only VMAs with anonymous pages "
                        + "(mm/memory.c, Linux 3.x): the program's data and heap, the libraries' data, the stack"));
        d.add(new Described("cow-entries", Integer.toString(SyntheticTrace.FORK_COW_ENTRIES),
                "the parent's writable private PTEs that fork write-protects through Xen (one mmu_update batch): "
                        + "assumption for a small C program with its libc"));
        d.add(new Described("nic-gbps", fmt(nicGbps), "no NIC traffic: lmbench ran alone"));
        d.add(new Described("disk-mbps", fmt(diskMbps), "no disk traffic: lmbench ran alone"));
        d.add(new Described("cpus", Integer.toString(cpus), "lat_proc runs on one CPU"));
        return d;
    }

    /** Minutes as a short text. */
    public static String fmtMinutes(double minutes) {
        return fmt(minutes);
    }

    static String fmt(double v) {
        return org.iosup.report.Numbers.plain(v);
    }
}
