package octoprint

import (
	"context"
	"math/rand/v2"
	"mime"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Retries cover a server that restarts: a printer's computer rebooting, OctoPrint
// restarting after a plugin install.
const (
	// DefaultRetries with the waits below cover a restart of at least 75 seconds.
	DefaultRetries      = 10
	defaultRetryWaitMin = time.Second
	defaultRetryWaitMax = 15 * time.Second
)

// newRetryingClient wraps transport in retries with exponential backoff and jitter.
func newRetryingClient(transport http.RoundTripper, cfg Config) *http.Client {
	rc := retryablehttp.NewClient()
	rc.HTTPClient = &http.Client{Transport: transport, Timeout: cfg.Timeout}
	rc.Logger = nil // requests are logged by the client itself
	rc.RetryMax = cfg.Retries
	rc.RetryWaitMin, rc.RetryWaitMax = defaultRetryWaitMin, defaultRetryWaitMax
	if cfg.RetryWaitMin > 0 {
		rc.RetryWaitMin = cfg.RetryWaitMin
	}
	if cfg.RetryWaitMax > 0 {
		rc.RetryWaitMax = cfg.RetryWaitMax
	}
	rc.CheckRetry = retryPolicy
	rc.Backoff = backoff
	// The last answer as it is, so that its status and OctoPrint's text reach the error.
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	rc.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, attempt int) {
		if n, ok := req.Context().Value(attemptsKey{}).(*int); ok {
			*n = attempt + 1
		}
	}
	return rc.StandardClient()
}

// attemptsKey marks the context value in which a request counts its attempts.
type attemptsKey struct{}

// retryPolicy retries what a restarting server answers: refused or reset connections
// (not TLS or URL errors), 502/503/504 from a proxy in front, and what OctoPrint's
// start-up stand-in answers while the real server loads: 404 to reads and 501 to writes,
// as HTML (OctoPrint's own errors are JSON).
func retryPolicy(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true, nil
	case http.StatusNotFound, http.StatusNotImplemented:
		mediaType, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		return mediaType != "application/json", nil
	}
	return false, nil
}

// backoff doubles the wait from min up to max, each wait drawn between 75 % and 125 %
// so that clients restarting together do not retry in step.
func backoff(minWait, maxWait time.Duration, attempt int, _ *http.Response) time.Duration {
	wait := maxWait
	if attempt < 30 && minWait<<attempt < maxWait {
		wait = minWait << attempt
	}
	return time.Duration(float64(wait) * (0.75 + 0.5*rand.Float64())) //nolint:gosec // jitter, not a secret
}
