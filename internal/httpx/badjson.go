package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"
)

// BadJSON is the 400 body for a request body that did not decode into the
// shape an endpoint takes: what is wrong in the caller's terms, with the
// field when one is to blame. encoding/json's own messages name Go types
// ("Go struct field linksRequest.honeypot of type bool") and time's
// name Go's layout ("2006-01-02T15:04:05Z07:00").
func BadJSON(shape string, err error) ErrorBody {
	var (
		typ    *json.UnmarshalTypeError
		syntax *json.SyntaxError
		parse  *time.ParseError
		msg    string
		field  string
	)
	switch {
	case errors.As(err, &typ):
		field = typ.Field
		msg = fmt.Sprintf("%s must be %s, not %s", nameOr(field, "the body"), describe(typ.Type), article(typ.Value))
	case errors.As(err, &parse):
		msg = fmt.Sprintf("%q is not a time: give one with its zone, as RFC 3339 (2026-11-24T10:00:00+09:00)", parse.Value)
	case errors.As(err, &syntax):
		msg = fmt.Sprintf("not valid JSON at byte %d", syntax.Offset)
	case err == nil: // decoded, yet a value the endpoint needs is not there
		msg = "a required field is missing"
	case errors.Is(err, io.EOF):
		msg = "the body is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		msg = "the JSON ends early"
	default:
		// DisallowUnknownFields' error has no type of its own.
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			field = strings.Trim(f, `"`)
			msg = "unknown field " + f
		} else {
			msg = err.Error()
		}
	}
	return ErrorBody{Error: "body must be " + shape + ": " + msg, Field: field}
}

func nameOr(field, none string) string {
	if field == "" {
		return none
	}
	return field
}

// describe names a Go type as a JSON value.
func describe(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(describe(t.Elem()), "a "), "an ") + "s"
	case reflect.Map, reflect.Struct:
		if t == reflect.TypeOf(time.Time{}) {
			return "a time (RFC 3339)"
		}
		return "an object"
	case reflect.Pointer:
		return describe(t.Elem())
	}
	return "another type"
}

// article puts "a" or "an" before a JSON value's kind as encoding/json
// names it ("string", "number", "array", "object", "bool").
func article(v string) string {
	switch v {
	case "array", "object":
		return "an " + v
	case "bool":
		return "true or false"
	case "":
		return "another type"
	}
	return "a " + v
}
