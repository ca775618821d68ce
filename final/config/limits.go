package config

import "github.com/gocache/gocache/chapters/10-transactions-pubsub/outlimit"

// parseOutputLimits normalizes client-output-buffer-limit on top of its
// current value (the defaults when the table is first filled).
func parseOutputLimits(v, old string) (string, error) {
	base := outlimit.Defaults
	if old != "" {
		base, _ = outlimit.Parse(old, outlimit.Defaults)
	}
	l, err := outlimit.Parse(v, base)
	if err != nil {
		return "", err
	}
	return l.String(), nil
}
