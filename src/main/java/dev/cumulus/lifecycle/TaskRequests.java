package dev.cumulus.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cumulus.directory.AgentStore;
import dev.cumulus.externaltask.ContextParameter;
import dev.cumulus.externaltask.DistributionPriority;
import dev.cumulus.externaltask.Json;
import dev.cumulus.externaltask.PreferredUser;
import dev.cumulus.web.ApiException;
import jakarta.validation.Validator;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The checks that requests of flows and supervisors share: a priority, context parameters, preferred
 * users, a lifetime. Each refusal names the offending field.
 */
@Component
class TaskRequests {

  /** The longest lifetime a task may be given: ours, so that timers and timestamps stay in range. */
  static final Duration MAX_LIFETIME = Duration.ofDays(3660);

  private final AgentStore agents;
  private final TaskProperties properties;
  private final Json json;
  private final Validator validator;

  TaskRequests(AgentStore agents, TaskProperties properties, Json json, Validator validator) {
    this.agents = agents;
    this.properties = properties;
    this.json = json;
    this.validator = validator;
  }

  static DistributionPriority priority(String field, String value) {
    return DistributionPriority.parse(value)
        .orElseThrow(() -> ApiException.invalid(field, "oneOf", "must be one of Low, Normal, High, Strict"));
  }

  /** expiresAt in UTC: after now, and within {@link #MAX_LIFETIME}. */
  static OffsetDateTime expiry(OffsetDateTime given, OffsetDateTime now) {
    Instant at = given.toInstant();
    if (!at.isAfter(now.toInstant())) {
      throw ApiException.invalid("expiresAt", "future", "must be in the future");
    }
    if (at.isAfter(now.toInstant().plus(MAX_LIFETIME))) {
      throw ApiException.invalid("expiresAt", "maxLifetime", "must be at most " + MAX_LIFETIME.toDays() + " days ahead");
    }
    return given.withOffsetSameInstant(ZoneOffset.UTC);
  }

  void checkParameters(String field, List<ContextParameter> parameters) {
    if (parameters.size() > properties.maxContextParameters()) {
      throw ApiException.invalid(field, "maxItems", "at most " + properties.maxContextParameters() + " parameters");
    }
    var seen = new HashSet<String>();
    for (int i = 0; i < parameters.size(); i++) {
      if (!seen.add(parameters.get(i).name())) {
        throw ApiException.invalid(field + "[" + i + "].name", "unique", "'" + parameters.get(i).name() + "' is given twice");
      }
    }
  }

  /** The parameters a task would hold once the given ones are merged into its own. */
  void checkParametersHeld(String field, List<ContextParameter> held) {
    if (held.size() > properties.maxContextParameters()) {
      throw ApiException.invalid(field, "maxItems", "a task holds at most " + properties.maxContextParameters() + " parameters");
    }
  }

  void checkPreferredUsers(String field, List<PreferredUser> preferred) {
    var seen = new HashSet<String>();
    var known = new HashSet<>(agents.existing(preferred.stream().map(PreferredUser::upn).toList()));
    for (int i = 0; i < preferred.size(); i++) {
      String upn = preferred.get(i).upn();
      if (!seen.add(upn.toLowerCase())) {
        throw ApiException.invalid(field + "[" + i + "].upn", "unique", "'" + upn + "' is given twice");
      }
      if (!known.contains(upn)) {
        throw ApiException.invalid(field + "[" + i + "].upn", "knownUser", "no user '" + upn + "'");
      }
    }
  }

  /** The preferredUsers of a JSON merge patch: null clears them. */
  List<PreferredUser> preferredUsersFrom(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    List<PreferredUser> preferred;
    try {
      preferred = List.of(json.mapper().treeToValue(node, PreferredUser[].class));
    } catch (Exception e) {
      throw ApiException.invalid("preferredUsers", "type", "must be an array of {upn, priority}");
    }
    if (preferred.size() > PreferredUser.MAX_PER_TASK) {
      throw ApiException.invalid("preferredUsers", "maxItems", "at most " + PreferredUser.MAX_PER_TASK + " preferred users");
    }
    for (int i = 0; i < preferred.size(); i++) {
      var violations = validator.validate(preferred.get(i));
      if (!violations.isEmpty()) {
        var v = violations.iterator().next();
        throw ApiException.invalid("preferredUsers[" + i + "]." + v.getPropertyPath(), v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName(), v.getMessage());
      }
    }
    checkPreferredUsers("preferredUsers", preferred);
    return preferred;
  }
}
