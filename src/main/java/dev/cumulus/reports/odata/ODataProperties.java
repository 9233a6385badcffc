package dev.cumulus.reports.odata;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The reports' OData feed (docs/reports.md, "OData feed").
 *
 * @param pageSize entities per page; a longer answer ends with an {@code @odata.nextLink} to the next
 *     page (a client may ask for smaller pages with {@code Prefer: odata.maxpagesize})
 */
@ConfigurationProperties("cumulus.reports.odata")
public record ODataProperties(@DefaultValue("1000") int pageSize) {

  public ODataProperties {
    if (pageSize < 1) {
      throw new IllegalArgumentException("cumulus.reports.odata.page-size must be at least 1, not " + pageSize);
    }
  }
}
