package dev.cumulus.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the CPU went during a measured window, in cores (1.0 = one core busy for the whole window):
 * the whole machine (from /proc/stat), this JVM (process CPU time), and within the JVM the Tomcat
 * request threads (the server, with H2 inside them), the benchmark's own client threads (simulated
 * flows and agents plus the JDK HttpClient) and the rest (GC, JIT, job executor, schedulers). The
 * machine minus this JVM is the database server (PostgreSQL) and anything else running.
 */
final class CpuMeter {

  record Split(double machine, double jvm, double server, double client, double database, String loadAverage) {
    @Override
    public String toString() {
      return String.format(
          "CPU in cores of %d: machine %.2f = this JVM %.2f (request threads %.2f, benchmark clients %.2f, other JVM threads/GC/JIT %.2f)"
              + " + outside this JVM %.2f; load average %s",
          Runtime.getRuntime().availableProcessors(), machine, jvm, server, client, Math.max(0, jvm - server - client), database,
          loadAverage);
    }
  }

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long startNanos;
  private long[] startMachine;
  private long startProcess;
  private Map<Long, Long> startThreads;
  private Map<Long, String> names;

  void start() {
    startNanos = System.nanoTime();
    startMachine = machineTicks();
    startProcess = os.getProcessCpuTime();
    startThreads = threadTimes();
  }

  Split stop() {
    double wall = System.nanoTime() - startNanos;
    long[] endMachine = machineTicks();
    long endProcess = os.getProcessCpuTime();
    Map<Long, Long> endThreads = threadTimes();
    double server = 0;
    double client = 0;
    for (var e : endThreads.entrySet()) {
      Long before = startThreads.get(e.getKey());
      long used = e.getValue() - (before == null ? 0 : before);
      String name = names.getOrDefault(e.getKey(), "");
      if (name.startsWith("http-nio")) {
        server += used;
      } else if (name.startsWith("bench-") || name.startsWith("HttpClient")) {
        client += used;
      }
    }
    double machine = Double.NaN;
    if (startMachine != null && endMachine != null) {
      long busy = (endMachine[0] - startMachine[0]);
      long total = (endMachine[1] - startMachine[1]);
      machine = total == 0 ? Double.NaN : (double) busy / total * Runtime.getRuntime().availableProcessors();
    }
    double jvm = (endProcess - startProcess) / wall;
    return new Split(
        machine, jvm, server / wall, client / wall, Double.isNaN(machine) ? Double.NaN : Math.max(0, machine - jvm), loadAverage());
  }

  /** The 1-minute load average (other work on the machine shows here), or "?". */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private Map<Long, Long> threadTimes() {
    var times = new HashMap<Long, Long>();
    names = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long cpu = threads.getThreadCpuTime(info.getThreadId());
      if (cpu >= 0) {
        times.put(info.getThreadId(), cpu);
        names.put(info.getThreadId(), info.getThreadName());
      }
    }
    return times;
  }

  /** {busy, total} jiffies of all CPUs, or null where /proc/stat is missing. */
  private static long[] machineTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
