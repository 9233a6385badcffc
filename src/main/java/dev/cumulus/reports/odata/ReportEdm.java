package dev.cumulus.reports.odata;

import java.util.List;
import org.apache.olingo.commons.api.edm.FullQualifiedName;
import org.apache.olingo.commons.api.edm.provider.CsdlAbstractEdmProvider;
import org.apache.olingo.commons.api.edm.provider.CsdlEntityContainer;
import org.apache.olingo.commons.api.edm.provider.CsdlEntityContainerInfo;
import org.apache.olingo.commons.api.edm.provider.CsdlEntitySet;
import org.apache.olingo.commons.api.edm.provider.CsdlEntityType;
import org.apache.olingo.commons.api.edm.provider.CsdlPropertyRef;
import org.apache.olingo.commons.api.edm.provider.CsdlSchema;

/** The feed's $metadata: one entity type per set, in the namespace Cumulus.Reports, container Reports. */
class ReportEdm extends CsdlAbstractEdmProvider {

  static final FullQualifiedName CONTAINER = new FullQualifiedName(ReportSet.NAMESPACE, "Reports");

  private final ReportSets sets;

  ReportEdm(ReportSets sets) {
    this.sets = sets;
  }

  @Override
  public CsdlEntityType getEntityType(FullQualifiedName name) {
    return sets.all().stream().filter(s -> s.type().equals(name)).findFirst().map(ReportEdm::entityType).orElse(null);
  }

  @Override
  public CsdlEntitySet getEntitySet(FullQualifiedName container, String name) {
    if (!CONTAINER.equals(container)) {
      return null;
    }
    return sets.named(name).map(ReportEdm::entitySet).orElse(null);
  }

  @Override
  public CsdlEntityContainer getEntityContainer() {
    return new CsdlEntityContainer().setName(CONTAINER.getName()).setEntitySets(sets.all().stream().map(ReportEdm::entitySet).toList());
  }

  @Override
  public CsdlEntityContainerInfo getEntityContainerInfo(FullQualifiedName name) {
    return name == null || CONTAINER.equals(name) ? new CsdlEntityContainerInfo().setContainerName(CONTAINER) : null;
  }

  @Override
  public List<CsdlSchema> getSchemas() {
    return List.of(new CsdlSchema()
        .setNamespace(ReportSet.NAMESPACE)
        .setEntityTypes(sets.all().stream().map(ReportEdm::entityType).toList())
        .setEntityContainer(getEntityContainer()));
  }

  private static CsdlEntityType entityType(ReportSet<?> set) {
    return new CsdlEntityType()
        .setName(set.typeName())
        .setProperties(set.columns().stream().map(Column::property).toList())
        .setKey(set.keys().stream().map(k -> new CsdlPropertyRef().setName(k)).toList());
  }

  private static CsdlEntitySet entitySet(ReportSet<?> set) {
    return new CsdlEntitySet().setName(set.name()).setType(set.type());
  }
}
