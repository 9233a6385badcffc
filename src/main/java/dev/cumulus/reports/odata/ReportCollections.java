package dev.cumulus.reports.odata;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cumulus.reports.ReportPages;
import dev.cumulus.security.Caller;
import dev.cumulus.web.ApiException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.olingo.commons.api.data.ContextURL;
import org.apache.olingo.commons.api.data.Entity;
import org.apache.olingo.commons.api.data.EntityCollection;
import org.apache.olingo.commons.api.data.Property;
import org.apache.olingo.commons.api.data.ValueType;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.commons.api.http.HttpStatusCode;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataApplicationException;
import org.apache.olingo.server.api.ODataLibraryException;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ODataResponse;
import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.api.prefer.PreferencesApplied;
import org.apache.olingo.server.api.processor.CountEntityCollectionProcessor;
import org.apache.olingo.server.api.serializer.EntityCollectionSerializerOptions;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceEntitySet;
import org.apache.olingo.server.api.uri.queryoption.OrderByItem;
import org.apache.olingo.server.api.uri.queryoption.SelectOption;
import org.apache.olingo.server.api.uri.queryoption.expression.Member;

/**
 * Reads an entity set (and its $count) for one request: the query options become a query of
 * ReportPages, in the caller's scope, a page at a time with an @odata.nextLink to the next.
 */
final class ReportCollections implements CountEntityCollectionProcessor {

  private final ReportSets sets;
  private final int pageSize;
  private final ObjectMapper mapper;
  private OData odata;
  private ServiceMetadata metadata;

  ReportCollections(ReportSets sets, int pageSize, ObjectMapper mapper) {
    this.sets = sets;
    this.pageSize = pageSize;
    this.mapper = mapper;
  }

  @Override
  public void init(OData odata, ServiceMetadata metadata) {
    this.odata = odata;
    this.metadata = metadata;
  }

  @Override
  public void readEntityCollection(ODataRequest request, ODataResponse response, UriInfo uri, ContentType format)
      throws ODataApplicationException, ODataLibraryException {
    EdmEntitySet edmSet = entitySet(uri, 1);
    write(set(edmSet), edmSet, request, response, uri, format);
  }

  @Override
  public void countEntityCollection(ODataRequest request, ODataResponse response, UriInfo uri)
      throws ODataApplicationException, ODataLibraryException {
    ReportSet<?> set = set(entitySet(uri, 2));
    refuseUnsupported(uri, set);
    Filters.Conditions where = Filters.of(uri.getFilterOption() == null ? null : uri.getFilterOption().getExpression(), set);
    var page = read(set, new ReportPages.Query(where.time(), where.services(), where.agents(), null, 0, 0, true));
    response.setContent(new ByteArrayInputStream(Long.toString(page.count()).getBytes(StandardCharsets.UTF_8)));
    response.setStatusCode(HttpStatusCode.OK.getStatusCode());
    response.setHeader(HttpHeader.CONTENT_TYPE, ContentType.TEXT_PLAIN.toContentTypeString());
  }

  private <R> void write(ReportSet<R> set, EdmEntitySet edmSet, ODataRequest request, ODataResponse response, UriInfo uri, ContentType format)
      throws ODataApplicationException, ODataLibraryException {
    refuseUnsupported(uri, set);
    Filters.Conditions where = Filters.of(uri.getFilterOption() == null ? null : uri.getFilterOption().getExpression(), set);
    SkipToken token = uri.getSkipTokenOption() == null ? null : SkipToken.decode(mapper, uri.getSkipTokenOption().getValue());
    long sent = token == null ? 0 : token.sent();
    long top = uri.getTopOption() == null ? Long.MAX_VALUE : uri.getTopOption().getValue();
    Integer preferred = odata.createPreferences(request.getHeaders(HttpHeader.PREFER)).getMaxPageSize();
    int size = preferred != null && preferred > 0 && preferred < pageSize ? preferred : pageSize;
    int limit = (int) Math.max(0, Math.min(size, top - sent));
    boolean count = uri.getCountOption() != null && uri.getCountOption().getValue();
    long skip = token == null && uri.getSkipOption() != null ? uri.getSkipOption().getValue() : 0;
    ReportPages.Page<R> page =
        read(set, new ReportPages.Query(where.time(), where.services(), where.agents(), token == null ? null : token.after(), skip, limit, count));

    var entities = new EntityCollection();
    for (R row : page.rows()) {
      var entity = new Entity();
      for (Column<R> column : set.columns()) {
        entity.addProperty(new Property(null, column.name(), ValueType.PRIMITIVE, column.valueOf(row)));
      }
      entities.getEntities().add(entity);
    }
    if (count) {
      entities.setCount((int) Math.min(Integer.MAX_VALUE, page.count()));
    }
    long sentNow = sent + page.rows().size();
    if (page.more() && sentNow < top) {
      entities.setNext(nextLink(request, new SkipToken(page.last(), sentNow).encode(mapper)));
    }

    SelectOption select = uri.getSelectOption();
    var context =
        ContextURL.with().entitySet(edmSet).selectList(odata.createUriHelper().buildContextURLSelectList(edmSet.getEntityType(), null, select)).build();
    var options =
        EntityCollectionSerializerOptions.with()
            .id(request.getRawBaseUri() + "/" + set.name())
            .contextURL(context)
            .select(select)
            .count(uri.getCountOption())
            .build();
    var result = odata.createSerializer(format).entityCollection(metadata, edmSet.getEntityType(), entities, options);
    response.setContent(result.getContent());
    response.setStatusCode(HttpStatusCode.OK.getStatusCode());
    response.setHeader(HttpHeader.CONTENT_TYPE, format.toContentTypeString());
    if (preferred != null) {
      response.setHeader(HttpHeader.PREFERENCE_APPLIED, PreferencesApplied.with().maxPageSize(size).build().toValueString());
    }
  }

  private static <R> ReportPages.Page<R> read(ReportSet<R> set, ReportPages.Query query) throws ODataApplicationException {
    try {
      return set.reader().read(query, Caller.current());
    } catch (ApiException e) {
      throw new ODataApplicationException(e.getMessage(), e.status().value(), Locale.ROOT);
    }
  }

  /** Options that would change the answer but are not supported are refused rather than ignored. */
  private static void refuseUnsupported(UriInfo uri, ReportSet<?> set) throws ODataApplicationException {
    if (uri.getSearchOption() != null || uri.getApplyOption() != null || uri.getExpandOption() != null) {
      throw notImplemented("$search, $apply and $expand are not supported: load the set and shape it in the tool");
    }
    if (uri.getOrderByOption() != null) {
      // the only order is the set's own (time, then key): an $orderby that asks for it is fine
      List<OrderByItem> orders = uri.getOrderByOption().getOrders();
      var asked = new ArrayList<String>();
      for (OrderByItem item : orders) {
        if (item.isDescending() || !(item.getExpression() instanceof Member member) || member.getResourcePath().getUriResourceParts().size() != 1) {
          asked = null;
          break;
        }
        asked.add(member.getResourcePath().getUriResourceParts().get(0).getSegmentValue());
      }
      if (asked == null || asked.size() > set.keys().size() || !set.keys().subList(0, asked.size()).equals(asked)) {
        throw notImplemented(set.name() + " come ordered by " + String.join(", ", set.keys()) + " (ascending) only");
      }
    }
  }

  private static URI nextLink(ODataRequest request, String token) throws ODataApplicationException {
    var kept = new ArrayList<String>();
    String query = request.getRawQueryPath();
    if (query != null && !query.isEmpty()) {
      for (String part : query.split("&")) {
        String name = URLDecoder.decode(part.split("=", 2)[0], StandardCharsets.UTF_8);
        if (!name.equals("$skiptoken") && !name.equals("$skip") && !part.isEmpty()) {
          kept.add(part);
        }
      }
    }
    kept.add("$skiptoken=" + token);
    try {
      return URI.create(request.getRawBaseUri() + request.getRawODataPath() + "?" + String.join("&", kept));
    } catch (IllegalArgumentException e) {
      throw new ODataApplicationException("the request's query is not a valid URI query", HttpStatusCode.BAD_REQUEST.getStatusCode(), Locale.ROOT);
    }
  }

  private ReportSet<?> set(EdmEntitySet edmSet) throws ODataApplicationException {
    return sets.named(edmSet.getName()).orElseThrow(() -> notImplemented("no entity set " + edmSet.getName()));
  }

  /** The entity set the path names, and nothing else than ({@code parts} = 2) its $count. */
  private static EdmEntitySet entitySet(UriInfo uri, int parts) throws ODataApplicationException {
    List<UriResource> path = uri.getUriResourceParts();
    if (path.size() != parts || !(path.get(0) instanceof UriResourceEntitySet set) || !set.getKeyPredicates().isEmpty()) {
      throw notImplemented("only whole entity sets (and their $count) are served");
    }
    return set.getEntitySet();
  }

  private static ODataApplicationException notImplemented(String message) {
    return new ODataApplicationException(message, HttpStatusCode.NOT_IMPLEMENTED.getStatusCode(), Locale.ROOT);
  }
}
