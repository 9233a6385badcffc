package dev.cumulus.externaltask;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** The connector's Customer object; limits follow the reference product's address-book limits. */
public record Customer(
    @Size(max = 64) String firstName,
    @Size(max = 64) String lastName,
    @Size(max = 256) String displayName,
    @Size(max = 64) String company,
    @Size(max = 128) String jobTitle,
    @Size(max = 64) String department,
    @Size(max = 1024) String streetAddress,
    @Size(max = 40) String postCode,
    @Size(max = 128) String city,
    @Size(max = 128) String state,
    @Size(max = 128) String country,
    @Size(max = 32) String primaryTelNumber,
    @Size(max = 10) List<@Valid @NotNull NameValue> telNumbers,
    @JsonProperty("UPN") @Size(max = 128) String upn,
    @Size(max = 128) String imAddress,
    @Size(max = 128) String email,
    @Size(max = 20) List<@Valid @NotNull NameValue> customFields) {

  /** A named value of a customer: a telephone number or a custom field. */
  public record NameValue(@NotNull @Size(min = 1, max = 64) String name, @Size(max = 1024) String value) {}
}
