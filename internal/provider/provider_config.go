// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// Environment variables that stand in for provider attributes.
const (
	EnvURL                = "OCTOPRINT_URL"
	EnvAPIKey             = "OCTOPRINT_API_KEY" //nolint:gosec // G101: a variable's name, not a key
	EnvInsecureSkipVerify = "OCTOPRINT_INSECURE_SKIP_VERIFY"
	EnvCACertificate      = "OCTOPRINT_CA_CERTIFICATE"
)

const defaultRequestTimeout = 30 * time.Second

type providerModel struct {
	URL                types.String         `tfsdk:"url"`
	APIKey             types.String         `tfsdk:"api_key"`
	InsecureSkipVerify types.Bool           `tfsdk:"insecure_skip_verify"`
	CACertificate      types.String         `tfsdk:"ca_certificate"`
	RequestTimeout     timetypes.GoDuration `tfsdk:"request_timeout"`
	Headers            types.Map            `tfsdk:"headers"`
	MaxRetries         types.Int64          `tfsdk:"max_retries"`
}

// known tells whether every attribute is known: during plan, one may come from a
// resource not created yet.
func (m providerModel) known() bool {
	return !m.URL.IsUnknown() && !m.APIKey.IsUnknown() && !m.InsecureSkipVerify.IsUnknown() &&
		!m.CACertificate.IsUnknown() && !m.RequestTimeout.IsUnknown() && !m.Headers.IsUnknown() && !m.MaxRetries.IsUnknown()
}

// clientConfig reads the configuration, and the environment where an attribute is not
// set, into the client's settings. Its errors name the attribute, and the variable when
// the value came from there.
func (m providerModel) clientConfig(ctx context.Context, version string) (octoprint.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	cfg := octoprint.Config{
		URL:              stringOrEnv(m.URL, EnvURL),
		APIKey:           stringOrEnv(m.APIKey, EnvAPIKey),
		CACertificatePEM: stringOrEnv(m.CACertificate, EnvCACertificate),
		UserAgent:        "terraform-provider-octoprint/" + version,
		Timeout:          defaultRequestTimeout,
		Retries:          octoprint.DefaultRetries,
		Logger:           tflog.Debug,
	}
	if !m.MaxRetries.IsNull() {
		cfg.Retries = int(m.MaxRetries.ValueInt64())
	}

	if cfg.URL == "" {
		diags.AddAttributeError(path.Root("url"), "Missing OctoPrint URL",
			"The provider needs the base URL of the OctoPrint server. Set `url` in the provider block or the "+EnvURL+" environment variable.")
	} else if _, err := octoprint.ParseURL(cfg.URL); err != nil {
		diags.AddAttributeError(path.Root("url"), "Invalid OctoPrint URL",
			fmt.Sprintf("%s%s. Set `url` (or %s) to the server's base URL, e.g. http://octopi.local.", capitalize(err.Error()), fromEnv(m.URL, EnvURL), EnvURL))
	}
	if cfg.APIKey == "" {
		diags.AddAttributeError(path.Root("api_key"), "Missing OctoPrint API key",
			"The provider needs the API key of an OctoPrint admin. Set `api_key` in the provider block or the "+EnvAPIKey+" environment variable.")
	} else if err := octoprint.CheckAPIKey(cfg.APIKey); err != nil {
		diags.AddAttributeError(path.Root("api_key"), "Invalid OctoPrint API key",
			fmt.Sprintf("%s%s.", capitalize(err.Error()), fromEnv(m.APIKey, EnvAPIKey)))
	}

	switch {
	case !m.InsecureSkipVerify.IsNull():
		cfg.InsecureSkipVerify = m.InsecureSkipVerify.ValueBool()
	case os.Getenv(EnvInsecureSkipVerify) != "":
		v, err := strconv.ParseBool(os.Getenv(EnvInsecureSkipVerify))
		if err != nil {
			diags.AddAttributeError(path.Root("insecure_skip_verify"), "Invalid "+EnvInsecureSkipVerify,
				fmt.Sprintf("The environment variable %s must be true or false, not %q.", EnvInsecureSkipVerify, os.Getenv(EnvInsecureSkipVerify)))
		}
		cfg.InsecureSkipVerify = v
	}

	if !m.RequestTimeout.IsNull() {
		timeout, d := m.RequestTimeout.ValueGoDuration()
		diags.Append(d...)
		cfg.Timeout = timeout
	}
	if !m.Headers.IsNull() {
		diags.Append(m.Headers.ElementsAs(ctx, &cfg.Headers, false)...)
	}
	for name, value := range cfg.Headers {
		if err := octoprint.CheckHeader(name, value); err != nil {
			diags.AddAttributeError(path.Root("headers").AtMapKey(name), "Invalid HTTP header", capitalize(err.Error())+".")
		}
	}
	return cfg, diags
}

// fromEnv says where a value came from when the attribute was not set: the variable.
func fromEnv(v types.String, env string) string {
	if v.IsNull() {
		return fmt.Sprintf(" (the value comes from the %s environment variable)", env)
	}
	return ""
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// stringOrEnv returns the attribute's value, or the environment variable when it is not set.
func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

// positiveDuration refuses a Go duration that is zero or negative. (A duration that does
// not parse is refused by the attribute's type, timetypes.GoDuration.)
type positiveDuration struct{}

var _ validator.String = positiveDuration{}

func (positiveDuration) Description(context.Context) string { return "must be a positive duration" }

func (v positiveDuration) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (positiveDuration) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err == nil && d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid request timeout",
			fmt.Sprintf("The request timeout must be positive, not %q.", req.ConfigValue.ValueString()))
	}
}
