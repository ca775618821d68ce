package packaging

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Kind is a JSON value type, named as JSON Schema names it.
type Kind string

const (
	String  Kind = "string"
	Integer Kind = "integer"
	Number  Kind = "number"
	Boolean Kind = "boolean"
	Object  Kind = "object"
	Array   Kind = "array"
	Null    Kind = "null"
)

// Schema is the small part of JSON Schema that devcontainer.json needs:
// types, enums, string patterns, integer bounds, object properties and array
// items. A zero Schema accepts any value.
type Schema struct {
	Types    []Kind         // allowed types; none means any
	Enum     []any          // allowed values (strings or booleans), if any
	Pattern  *regexp.Regexp // strings must match
	Min, Max *int64         // integer bounds

	Props    map[string]*Schema // known object properties
	Required []string
	// Extra checks the values of keys missing from Props, and KeyPattern
	// their names. With Extra nil such keys are errors: that is how a
	// misspelt property is caught.
	Extra      *Schema
	KeyPattern *regexp.Regexp

	Items *Schema // array elements

	// AnyOf lists alternatives; the value must satisfy one of them.
	AnyOf []*Schema
}

// Any accepts every value; an object whose Extra is Any takes any key.
var Any = &Schema{}

// DecodeJSON decodes one JSON document keeping numbers as json.Number, so
// that 6379 and 6379.5 can be told apart as integer and number.
func DecodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("data after the top-level value")
	}
	return v, nil
}

// Validate returns every place where v breaks s, each error prefixed with the
// path of the offending value (e.g. `forwardPorts[0]`).
func (s *Schema) Validate(path string, v any) []error {
	if len(s.AnyOf) > 0 {
		return s.validateAnyOf(path, v)
	}
	k := kindOf(v)
	if len(s.Types) > 0 && !allows(s.Types, k) {
		return []error{fmt.Errorf("%s: got %s, want %s", show(path), k, joinKinds(s.Types))}
	}
	var errs []error
	if len(s.Enum) > 0 && !inEnum(s.Enum, v) {
		errs = append(errs, fmt.Errorf("%s: %v is not one of %s", show(path), v, showEnum(s.Enum)))
	}
	switch x := v.(type) {
	case string:
		if s.Pattern != nil && !s.Pattern.MatchString(x) {
			errs = append(errs, fmt.Errorf("%s: %q does not match %s", show(path), x, s.Pattern))
		}
	case json.Number:
		n, err := x.Int64()
		if err == nil && s.Min != nil && n < *s.Min {
			errs = append(errs, fmt.Errorf("%s: %d is below %d", show(path), n, *s.Min))
		}
		if err == nil && s.Max != nil && n > *s.Max {
			errs = append(errs, fmt.Errorf("%s: %d is above %d", show(path), n, *s.Max))
		}
	case []any:
		if s.Items != nil {
			for i, e := range x {
				errs = append(errs, s.Items.Validate(fmt.Sprintf("%s[%d]", path, i), e)...)
			}
		}
	case map[string]any:
		errs = append(errs, s.validateObject(path, x)...)
	}
	return errs
}

// validateObject checks required keys, then each key in sorted order so that
// the errors come out the same every run.
func (s *Schema) validateObject(path string, obj map[string]any) []error {
	var errs []error
	for _, r := range s.Required {
		if _, ok := obj[r]; !ok {
			errs = append(errs, fmt.Errorf("%s: missing required property %q", show(path), r))
		}
	}
	if s.Props == nil && s.Extra == nil && s.KeyPattern == nil {
		return errs // an object with no property rules takes anything
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		sub := join(path, k)
		if p, ok := s.Props[k]; ok {
			errs = append(errs, p.Validate(sub, obj[k])...)
			continue
		}
		if s.Extra == nil {
			errs = append(errs, fmt.Errorf("%s: unknown property%s", show(sub), s.suggest(k)))
			continue
		}
		if s.KeyPattern != nil && !s.KeyPattern.MatchString(k) {
			errs = append(errs, fmt.Errorf("%s: property name does not match %s", show(sub), s.KeyPattern))
			continue
		}
		errs = append(errs, s.Extra.Validate(sub, obj[k])...)
	}
	return errs
}

// validateAnyOf accepts v if one alternative does. Otherwise, when exactly
// one alternative takes v's type, its errors are the useful ones; if none
// does, the message lists the types that would have been accepted.
func (s *Schema) validateAnyOf(path string, v any) []error {
	k := kindOf(v)
	var typed []*Schema
	var want []Kind
	for _, alt := range s.AnyOf {
		if alt.Validate(path, v) == nil {
			return nil
		}
		if len(alt.Types) == 0 || allows(alt.Types, k) {
			typed = append(typed, alt)
		}
		want = append(want, alt.Types...)
	}
	if len(typed) == 1 {
		return typed[0].Validate(path, v)
	}
	if len(typed) == 0 {
		return []error{fmt.Errorf("%s: got %s, want %s", show(path), k, joinKinds(want))}
	}
	return []error{fmt.Errorf("%s: %s value matches none of the allowed forms", show(path), k)}
}

// suggest names the known property closest to a misspelt one.
func (s *Schema) suggest(key string) string {
	best, bestD := "", 4 // farther than 3 edits is not a typo
	for name := range s.Props {
		d := editDistance(strings.ToLower(key), strings.ToLower(name))
		if d < bestD || (d == bestD && name < best) {
			best, bestD = name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func kindOf(v any) Kind {
	switch x := v.(type) {
	case nil:
		return Null
	case bool:
		return Boolean
	case string:
		return String
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return Integer
		}
		return Number
	case []any:
		return Array
	case map[string]any:
		return Object
	}
	return Kind(fmt.Sprintf("%T", v))
}

func allows(types []Kind, k Kind) bool {
	for _, t := range types {
		if t == k || (t == Number && k == Integer) {
			return true
		}
	}
	return false
}

func inEnum(enum []any, v any) bool {
	for _, e := range enum {
		if e == v {
			return true
		}
	}
	return false
}

func showEnum(enum []any) string {
	parts := make([]string, len(enum))
	for i, e := range enum {
		parts[i] = fmt.Sprintf("%#v", e)
	}
	return strings.Join(parts, ", ")
}

func joinKinds(ks []Kind) string {
	seen := map[Kind]bool{}
	var parts []string
	for _, k := range ks {
		if !seen[k] {
			seen[k] = true
			parts = append(parts, string(k))
		}
	}
	return strings.Join(parts, " or ")
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func show(path string) string {
	if path == "" {
		return "(top level)"
	}
	return path
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
