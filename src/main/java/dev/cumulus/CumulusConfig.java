package dev.cumulus;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class CumulusConfig {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
