package dev.cumulus.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** @param apiKeys the keys flows send in the X-API-Key header */
@ConfigurationProperties("cumulus.security")
public record SecurityProperties(@DefaultValue List<String> apiKeys) {}
