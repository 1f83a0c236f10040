// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"errors"
	"fmt"
	"net/http"
)

// Sentinel errors that an *APIError unwraps to, by HTTP status.
var (
	ErrBadRequest   = errors.New("bad request")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
)

// APIError is an answer from OctoPrint with a status of 400 or above.
type APIError struct {
	Method     string
	Path       string
	StatusCode int
	// Message is OctoPrint's own `error` text, or the start of a body that is not JSON.
	Message string
	// Hint explains a refusal (403) from what OctoPrint says about the caller.
	Hint string
	// Attempts is how often the request was sent; more than 1 after a retry.
	Attempts int
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("OctoPrint answered %d %s to %s %s", e.StatusCode, http.StatusText(e.StatusCode), e.Method, e.Path)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" after %d tries", e.Attempts)
	}
	return msg
}

// Unwrap lets errors.Is match the sentinel errors above.
func (e *APIError) Unwrap() error {
	switch e.StatusCode {
	case http.StatusBadRequest:
		return ErrBadRequest
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusConflict:
		return ErrConflict
	}
	return nil
}

// StatusCode returns the HTTP status of err when it is an *APIError, else 0.
func StatusCode(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}
