// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
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
	EnvUsername           = "OCTOPRINT_USERNAME"
	EnvPassword           = "OCTOPRINT_PASSWORD" //nolint:gosec // G101: a variable's name, not a password
	EnvInsecureSkipVerify = "OCTOPRINT_INSECURE_SKIP_VERIFY"
	EnvCACertificate      = "OCTOPRINT_CA_CERTIFICATE"
)

const defaultRequestTimeout = 30 * time.Second

// providerModel is the provider block: the connection to one server.
type providerModel struct {
	connectionModel
}

// connectionModel is how the provider reaches one OctoPrint server and logs in to it,
// mapped to the client's settings by clientConfig alone.
type connectionModel struct {
	URL                types.String         `tfsdk:"url"`
	APIKey             types.String         `tfsdk:"api_key"`
	Username           types.String         `tfsdk:"username"`
	Password           types.String         `tfsdk:"password"`
	InsecureSkipVerify types.Bool           `tfsdk:"insecure_skip_verify"`
	CACertificate      types.String         `tfsdk:"ca_certificate"`
	RequestTimeout     timetypes.GoDuration `tfsdk:"request_timeout"`
	Headers            types.Map            `tfsdk:"headers"`
	MaxRetries         types.Int64          `tfsdk:"max_retries"`
}

// known tells whether every attribute is known: during plan, one may come from a
// resource not created yet.
func (m connectionModel) known() bool {
	return !m.URL.IsUnknown() && !m.APIKey.IsUnknown() && !m.Username.IsUnknown() && !m.Password.IsUnknown() &&
		!m.InsecureSkipVerify.IsUnknown() && !m.CACertificate.IsUnknown() && !m.RequestTimeout.IsUnknown() &&
		!m.Headers.IsUnknown() && !m.MaxRetries.IsUnknown()
}

// clientConfig reads the configuration, and the environment (getenv) where an attribute
// is not set, into the client's settings. at is where the attributes are (the provider
// block's root); its errors name the attribute, and the variable when the value came
// from there.
func (m connectionModel) clientConfig(ctx context.Context, version string, at path.Path, getenv func(string) string) (octoprint.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	orEnv := func(v types.String, env string) string {
		if !v.IsNull() {
			return v.ValueString()
		}
		return getenv(env)
	}
	cfg := octoprint.Config{
		URL:              orEnv(m.URL, EnvURL),
		CACertificatePEM: orEnv(m.CACertificate, EnvCACertificate),
		UserAgent:        "terraform-provider-octoprint/" + version,
		Timeout:          defaultRequestTimeout,
		Retries:          octoprint.DefaultRetries,
		Logger:           tflog.Debug,
	}
	if cfg.URL == "" {
		diags.AddAttributeError(at.AtName("url"), "Missing OctoPrint URL",
			"The provider needs the base URL of the OctoPrint server. Set `url` in the provider block or the "+EnvURL+" environment variable.")
	} else if _, err := octoprint.ParseURL(cfg.URL); err != nil {
		diags.AddAttributeError(at.AtName("url"), "Invalid OctoPrint URL",
			fmt.Sprintf("%s%s. Set `url` (or %s) to the server's base URL, e.g. http://octopi.local.", capitalize(err.Error()), fromEnv(m.URL, EnvURL), EnvURL))
	}
	diags.Append(m.credentials(&cfg, at, getenv)...)
	getBool := func(v types.Bool, env, attr string) bool {
		if !v.IsNull() {
			return v.ValueBool()
		}
		if getenv(env) == "" {
			return false
		}
		b, err := strconv.ParseBool(getenv(env))
		if err != nil {
			diags.AddAttributeError(at.AtName(attr), "Invalid "+env,
				fmt.Sprintf("The environment variable %s must be true or false, not %q.", env, getenv(env)))
		}
		return b
	}
	cfg.InsecureSkipVerify = getBool(m.InsecureSkipVerify, EnvInsecureSkipVerify, "insecure_skip_verify")
	if !m.MaxRetries.IsNull() {
		cfg.Retries = int(m.MaxRetries.ValueInt64())
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
			diags.AddAttributeError(at.AtName("headers").AtMapKey(name), "Invalid HTTP header", capitalize(err.Error())+".")
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

// credentials sets how the client authenticates: an API key, or a username and password.
// The configuration decides the way (the environment fills in the rest of it); without
// either in the configuration, the environment does. Exactly one way is accepted.
func (m connectionModel) credentials(cfg *octoprint.Config, at path.Path, getenv func(string) string) diag.Diagnostics {
	var diags diag.Diagnostics
	configKey, configLogin := !m.APIKey.IsNull(), !m.Username.IsNull() || !m.Password.IsNull()
	envKey, envLogin := getenv(EnvAPIKey) != "", getenv(EnvUsername) != "" || getenv(EnvPassword) != ""
	switch {
	case configKey && configLogin:
		diags.AddAttributeError(at.AtName("username"), "Conflicting OctoPrint credentials",
			"The provider block sets `api_key` and `username` or `password`: set either an admin's API key, or the username and password of an admin, not both.")
		return diags
	case !configKey && !configLogin && envKey && envLogin:
		diags.AddAttributeError(at.AtName("api_key"), "Conflicting OctoPrint credentials",
			fmt.Sprintf("The environment sets %s and %s or %s: set either an admin's API key or the username and password of an admin, "+
				"not both (or set one of them in the provider block, which then takes only that way from the environment).", EnvAPIKey, EnvUsername, EnvPassword))
		return diags
	case configLogin || (!configKey && envLogin):
		return m.login(cfg, at, getenv)
	}
	if !m.APIKey.IsNull() {
		cfg.APIKey = m.APIKey.ValueString()
	} else {
		cfg.APIKey = getenv(EnvAPIKey)
	}
	if cfg.APIKey == "" {
		diags.AddAttributeError(at.AtName("api_key"), "Missing OctoPrint API key",
			"The provider needs the API key of an OctoPrint admin, or the username and password of one. Set `api_key` in the provider block or the "+
				EnvAPIKey+" environment variable; or `username` and `password` (or "+EnvUsername+" and "+EnvPassword+").")
	} else if err := octoprint.CheckAPIKey(cfg.APIKey); err != nil {
		diags.AddAttributeError(at.AtName("api_key"), "Invalid OctoPrint API key",
			fmt.Sprintf("%s%s.", capitalize(err.Error()), fromEnv(m.APIKey, EnvAPIKey)))
	}
	return diags
}

// login sets a username and password, from the configuration or the environment.
func (m connectionModel) login(cfg *octoprint.Config, at path.Path, getenv func(string) string) diag.Diagnostics {
	var diags diag.Diagnostics
	cfg.Username, cfg.Password = m.Username.ValueString(), m.Password.ValueString()
	if m.Username.IsNull() {
		cfg.Username = getenv(EnvUsername)
	}
	if m.Password.IsNull() {
		cfg.Password = getenv(EnvPassword)
	}
	switch {
	case cfg.Username == "":
		diags.AddAttributeError(at.AtName("username"), "Missing OctoPrint username",
			"The provider logs in with a password, and needs the name of the OctoPrint admin to log in as: set `username` in the provider block or the "+
				EnvUsername+" environment variable (or use `api_key` instead of a password).")
	case cfg.Password == "":
		diags.AddAttributeError(at.AtName("password"), "Missing OctoPrint password",
			fmt.Sprintf("The provider logs in as user %q, and needs that user's password: set `password` in the provider block or the %s environment variable.",
				cfg.Username, EnvPassword))
	default:
		if err := octoprint.CheckLogin(cfg.Username, cfg.Password); err != nil {
			diags.AddAttributeError(at.AtName("username"), "Invalid OctoPrint username", fmt.Sprintf("%s%s.", capitalize(err.Error()), fromEnv(m.Username, EnvUsername)))
		}
	}
	return diags
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
