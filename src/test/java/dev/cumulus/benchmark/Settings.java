package dev.cumulus.benchmark;

import java.util.Arrays;
import java.util.List;

/**
 * Durations and sizes, from system properties (Maven passes {@code -Dbench.*} to the test JVM).
 * {@code -Dbench.scale=quick} is a smoke run of about two minutes; every value can be set on its own,
 * e.g. {@code -Dbench.measure=30 -Dbench.databases=postgres}.
 */
record Settings(
    String scale,
    List<String> databases,
    List<String> phases,
    int warmupSeconds,
    int measureSeconds,
    int latencyWarmupSeconds,
    int latencyMeasureSeconds,
    int rawThreads,
    int anchorThreads,
    int flowClients,
    int agents,
    int creators,
    int latencyLoops,
    int queued,
    int freesWarmup,
    int frees,
    int deepQueue,
    int readsWarmup,
    int reads,
    int readsSeconds,
    int quietReads,
    int bulkSize,
    boolean diagnostics) {

  static Settings fromSystemProperties() {
    boolean quick = "quick".equalsIgnoreCase(System.getProperty("bench.scale", "full"));
    return new Settings(
        quick ? "quick" : "full",
        Arrays.stream(System.getProperty("bench.databases", "h2,postgres").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        // all; eta: only the ETA scenario of issue 14; position: only the position read; lives: the anchor,
        // full lives on one service and over four, the raw start rate and AddExternalTask; bulk: bulk create
        // next to single creates (CumulusBenchmark)
        List.of(System.getProperty("bench.phases", "all").trim().toLowerCase()),
        integer("bench.warmup", quick ? 5 : 20),
        integer("bench.measure", quick ? 5 : 25),
        integer("bench.latency.warmup", quick ? 2 : 5),
        integer("bench.latency.measure", quick ? 5 : 20),
        integer("bench.raw.threads", 4),
        // the plain Camunda anchor runs as many threads as the full-lives phase (agents + creating flows)
        integer("bench.anchor.threads", integer("bench.agents", 12) + integer("bench.creators", 4)),
        integer("bench.flows", 8),
        integer("bench.agents", 12),
        integer("bench.creators", 4),
        integer("bench.latency.loops", 2),
        integer("bench.queued", quick ? 1_000 : 10_000),
        integer("bench.frees.warmup", quick ? 20 : 50),
        integer("bench.frees", quick ? 100 : 500),
        integer("bench.deep", quick ? 10_000 : 100_000),
        integer("bench.reads.warmup", quick ? 100 : 100),
        integer("bench.reads", quick ? 300 : 500),
        integer("bench.reads.seconds", quick ? 15 : 30),
        integer("bench.reads.quiet", quick ? 3 : 10),
        // items per bulk create (the API's default limit, cumulus.tasks.max-bulk-items)
        integer("bench.bulk.size", 100),
        !"false".equalsIgnoreCase(System.getProperty("bench.diagnostics", "true")));
  }

  private static int integer(String name, int fallback) {
    String value = System.getProperty(name);
    return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
  }

  @Override
  public String toString() {
    return String.format(
        "phases " + String.join(",", phases) + "; scale %s: rate phases %d s warm-up + %d s measured; latency %d s + %d s; %d raw threads, %d anchor threads, %d flow clients,"
            + " %d agents with %d creators; frees-up %d + %d repetitions with %,d queued; position reads %d + %d (API reads ≤ %d s) with %,d queued; bulk creates of %d; diagnostics %s",
        scale, warmupSeconds, measureSeconds, latencyWarmupSeconds, latencyMeasureSeconds, rawThreads, anchorThreads, flowClients, agents,
        creators, freesWarmup, frees, queued, readsWarmup, reads, readsSeconds, deepQueue, bulkSize, diagnostics ? "on" : "off");
  }
}
