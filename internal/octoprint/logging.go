package octoprint

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Logger receives one debug record per request. Its signature matches tflog.Debug.
type Logger func(ctx context.Context, msg string, fields ...map[string]any)

// Masked stands in for every secret in a log record.
const Masked = "***"

// secretHeaders and secretFields never reach a log with their values.
var (
	secretHeaders = []string{"X-Api-Key", "Authorization", "Cookie", "Set-Cookie"}
	secretFields  = map[string]bool{"password": true, "current": true, "apikey": true, "api_key": true}
)

// maxLoggedBody keeps a large user list from flooding the log.
const maxLoggedBody = 4096

func (c *Client) log(ctx context.Context, req *http.Request, reqBody []byte, resp *http.Response, respBody []byte, took time.Duration, err error) {
	if c.logger == nil {
		return
	}
	fields := map[string]any{
		"method":          req.Method,
		"url":             req.URL.Redacted(),
		"request_headers": maskHeaders(req.Header),
		"duration_ms":     took.Milliseconds(),
	}
	if len(reqBody) > 0 {
		fields["request_body"] = MaskJSON(reqBody)
	}
	if resp != nil {
		fields["status"] = resp.StatusCode
		fields["response_body"] = MaskJSON(respBody)
	}
	if err != nil {
		fields["error"] = err.Error()
	}
	c.logger(ctx, "OctoPrint API request", fields)
}

func maskHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = strings.Join(v, ", ")
	}
	for _, k := range secretHeaders {
		if _, ok := out[http.CanonicalHeaderKey(k)]; ok {
			out[http.CanonicalHeaderKey(k)] = Masked
		}
	}
	return out
}

// MaskJSON returns body with the values of secret fields (password, current, apikey)
// replaced at any depth, shortened for the log. A body that is not JSON is left out,
// since there is no telling what secrets it holds.
func MaskJSON(body []byte) string {
	if len(body) == 0 {
		return ""
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return "(not JSON, " + http.DetectContentType(body) + ")"
	}
	out, _ := json.Marshal(maskValue(v))
	if len(out) > maxLoggedBody {
		n := maxLoggedBody
		for n > 0 && !utf8.RuneStart(out[n]) {
			n-- // never cut a character in two
		}
		return string(out[:n]) + "...(truncated)"
	}
	return string(out)
}

func maskValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, inner := range v {
			if secretFields[strings.ToLower(k)] && inner != nil {
				v[k] = Masked
			} else {
				v[k] = maskValue(inner)
			}
		}
	case []any:
		for i := range v {
			v[i] = maskValue(v[i])
		}
	}
	return v
}
