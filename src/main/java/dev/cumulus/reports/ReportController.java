package dev.cumulus.reports;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cumulus.security.Caller;
import dev.cumulus.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The reports over REST, as JSON or as CSV (Accept: text/csv, or format=csv for a download link), for
 * flows and tools at /v1/reports and for the web pages (session login) at /ui/api/reports.
 */
@RestController
class ReportController {

  private final Reports reports;
  private final ReportAccess access;
  private final ObjectMapper mapper;
  private final Clock clock;

  ReportController(Reports reports, ReportAccess access, ObjectMapper mapper, Clock clock) {
    this.reports = reports;
    this.access = access;
    this.mapper = mapper;
    this.clock = clock;
  }

  @Operation(
      operationId = "GetServiceReport",
      summary = "Figures per bucket for services, agents, or agents per service (JSON or CSV)",
      description = "Each figure is defined in docs/reports.md. Admins see everything, supervisors their services and members,"
          + " agents their own figures (by=agent), flows the services' figures.",
      parameters = {
        @Parameter(name = "from", description = "ISO 8601 date-time with offset, or a date (its start in the zone); default: the start of today"),
        @Parameter(name = "to", description = "ISO 8601 date-time with offset, or a date; default: now"),
        @Parameter(name = "bucket", schema = @Schema(allowableValues = {"fifteenMinutes", "hour", "day", "week", "month"}, defaultValue = "hour")),
        @Parameter(name = "by", schema = @Schema(allowableValues = {"service", "agent", "serviceAgent"}, defaultValue = "service")),
        @Parameter(name = "service", description = "comma-separated service UPNs"),
        @Parameter(name = "agent", description = "comma-separated agent UPNs; me for the caller"),
        @Parameter(name = "zone", description = "time zone of days, weeks and months, e.g. Europe/Zurich; default cumulus.reports.zone"),
        @Parameter(name = "format", description = "csv for a download link (or send Accept: text/csv)", schema = @Schema(allowableValues = {"json", "csv"}))
      },
      responses =
          @ApiResponse(
              responseCode = "200",
              description = "the report",
              content = {
                @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = Report.class)),
                @Content(mediaType = "text/csv", schema = @Schema(type = "string", description = "RFC 4180, UTF-8 with a byte-order mark"))
              }))
  @GetMapping(path = {"/v1/reports/intervals", "/ui/api/reports/intervals"}, produces = {MediaType.APPLICATION_JSON_VALUE, "text/csv"})
  void intervals(
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(defaultValue = "hour") String bucket,
      @RequestParam(defaultValue = "service") String by,
      @RequestParam(required = false) String service,
      @RequestParam(required = false) String agent,
      @RequestParam(required = false) String zone,
      @RequestParam(required = false) String format,
      @Parameter(hidden = true) @RequestHeader(name = "Accept", required = false) String accept,
      HttpServletResponse response)
      throws IOException {
    Caller caller = Caller.current();
    ReportScope scope = access.of(caller);
    ZoneId zoneId = zone(zone);
    Instant end = end(to, zoneId);
    Instant start = start(from, end, zoneId);
    Grouping grouping = choice("by", by, Grouping.class);
    List<String> services = list(service);
    List<String> agents = list(agent);
    if (agents != null) {
      agents = agents.stream().map(a -> a.equalsIgnoreCase("me") ? caller.name() : a).toList();
    } else if (grouping == Grouping.agent && services != null) {
      agents = access.membersOf(services);
    }
    var report =
        reports.report(new Reports.Request(start, end, choice("bucket", bucket, Bucket.class), grouping, zoneId, services, agents), scope);
    if (csv(format, accept)) {
      csvHeaders(response, "cumulus-report-" + grouping + ".csv");
      try (var out = new Csv(response.getOutputStream())) {
        out.row(CsvLayouts.intervalHeader());
        for (ReportRow row : report.rows()) {
          out.row(CsvLayouts.interval(row));
        }
      }
      return;
    }
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    mapper.writeValue(response.getOutputStream(), report);
  }

  @Operation(
      operationId = "GetTaskHistory",
      summary = "The task history: one row per task created in the range, streamed (JSON array or CSV)",
      description = "Admins and flows see every service, supervisors their services; agents get 403.",
      parameters = {
        @Parameter(name = "from", description = "ISO 8601 date-time with offset, or a date; default: the start of today"),
        @Parameter(name = "to", description = "ISO 8601 date-time with offset, or a date; default: now"),
        @Parameter(name = "service", description = "comma-separated service UPNs"),
        @Parameter(name = "zone", description = "time zone of a date given as from or to"),
        @Parameter(name = "format", description = "csv for a download link (or send Accept: text/csv)", schema = @Schema(allowableValues = {"json", "csv"}))
      },
      responses =
          @ApiResponse(
              responseCode = "200",
              description = "the tasks, oldest first",
              content = {
                @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, array = @ArraySchema(schema = @Schema(implementation = TaskRecord.class))),
                @Content(mediaType = "text/csv", schema = @Schema(type = "string", description = "RFC 4180, UTF-8 with a byte-order mark"))
              }))
  @GetMapping(path = {"/v1/reports/tasks", "/ui/api/reports/tasks"}, produces = {MediaType.APPLICATION_JSON_VALUE, "text/csv"})
  void tasks(
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) String service,
      @RequestParam(required = false) String zone,
      @RequestParam(required = false) String format,
      @Parameter(hidden = true) @RequestHeader(name = "Accept", required = false) String accept,
      HttpServletResponse response)
      throws IOException {
    ReportScope scope = access.of(Caller.current());
    ZoneId zoneId = zone(zone);
    Instant end = end(to, zoneId);
    Instant start = start(from, end, zoneId);
    if (!end.isAfter(start)) {
      throw ApiException.invalid("to", "afterFrom", "must be after from");
    }
    if (!scope.taskHistory()) {
      throw ApiException.forbidden("the task history is for admins, supervisors (of their services) and flows");
    }
    if (csv(format, accept)) {
      csvHeaders(response, "cumulus-tasks.csv");
      try (var out = new Csv(response.getOutputStream())) {
        out.row(CsvLayouts.taskHeader());
        reports.tasks(start, end, list(service), scope, t -> {
          try {
            out.row(CsvLayouts.task(t));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
      return;
    }
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    try (JsonGenerator json = mapper.getFactory().createGenerator(response.getOutputStream())) {
      json.writeStartArray();
      reports.tasks(start, end, list(service), scope, t -> {
        try {
          mapper.writeValue(json, t);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      json.writeEndArray();
    }
  }

  private static void csvHeaders(HttpServletResponse response, String filename) {
    response.setContentType("text/csv;charset=UTF-8");
    response.setHeader("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  }

  private static boolean csv(String format, String accept) {
    if (format != null) {
      return switch (format.toLowerCase(Locale.ROOT)) {
        case "csv" -> true;
        case "json" -> false;
        default -> throw ApiException.invalid("format", "enum", "must be json or csv");
      };
    }
    return accept != null && accept.contains("text/csv") && !accept.contains(MediaType.APPLICATION_JSON_VALUE);
  }

  private ZoneId zone(String zone) {
    if (zone == null || zone.isBlank()) {
      return reports.defaultZone();
    }
    try {
      return ZoneId.of(zone);
    } catch (DateTimeException e) {
      throw ApiException.invalid("zone", "timeZone", "must be a time zone such as Europe/Zurich or UTC");
    }
  }

  /** The range's end: the given time, or now. */
  private Instant end(String to, ZoneId zone) {
    return to == null ? clock.instant() : time("to", to, zone);
  }

  /** The range's start: the given time, or the start of the end's day. */
  private static Instant start(String from, Instant end, ZoneId zone) {
    return from == null ? end.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant() : time("from", from, zone);
  }

  /** An ISO 8601 date-time with offset, or a date (its start in the report's zone). */
  private static Instant time(String field, String value, ZoneId zone) {
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeException e) {
      try {
        return LocalDate.parse(value).atStartOfDay(zone).toInstant();
      } catch (DateTimeException e2) {
        throw ApiException.invalid(field, "dateTime", "must be an ISO 8601 date-time with offset (2026-11-30T08:00:00Z) or a date (2026-11-30)");
      }
    }
  }

  private static <E extends Enum<E>> E choice(String field, String value, Class<E> type) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    throw ApiException.invalid(field, "enum", "must be one of " + Arrays.toString(type.getEnumConstants()));
  }

  private static List<String> list(String values) {
    if (values == null || values.isBlank()) {
      return null;
    }
    return Arrays.stream(values.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
  }
}
