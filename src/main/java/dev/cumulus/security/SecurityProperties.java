package dev.cumulus.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param apiKeys the keys flows send in the X-API-Key header
 * @param credentialsCacheTtl how long a node keeps a user's verified HTTP Basic credentials (user and
 *     password as sent, with the roles they gave) so that the next requests of that user skip the
 *     identity lookups; a change of the user's password or roles through Cumulus forgets them at once on
 *     that node, any other change (Camunda Admin, another node) counts after at most this long; 0 turns
 *     the cache off
 */
@ConfigurationProperties("cumulus.security")
public record SecurityProperties(@DefaultValue List<String> apiKeys, @DefaultValue("PT30S") Duration credentialsCacheTtl) {}
