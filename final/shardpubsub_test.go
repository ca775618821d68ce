package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestShardedPubSubLikeRedis: SSUBSCRIBE, SUNSUBSCRIBE and SPUBLISH in a
// standalone server are Pub/Sub with a namespace of their own, as in
// redis-server 7.0: their replies count shard channels only, patterns do
// not see smessages, and PUBSUB, CLIENT LIST and INFO count them.
// clientFields are CLIENT INFO's fields that differ between servers.
var clientFields = regexp.MustCompile(`\$\d+\\r\nid=\S+ addr=\S+ laddr=\S+ fd=\d+ |qbuf=.*? events|tot-mem=\d+ `)

func TestShardedPubSubLikeRedis(t *testing.T) {
	lines := `
		A: SSUBSCRIBE a b
		A: SUBSCRIBE c
		A: SSUBSCRIBE a
		D: PSUBSCRIBE *
		B: SPUBLISH a hello
		B: PUBLISH a nothere
		B: SPUBLISH nosub x
		B: PUBSUB SHARDCHANNELS a*
		B: PUBSUB SHARDNUMSUB a b z
		B: PUBSUB SHARDNUMSUB
		B: PUBSUB CHANNELS
		A: CLIENT INFO
		A: SUNSUBSCRIBE a
		A: SUNSUBSCRIBE
		A: SUNSUBSCRIBE
		A: UNSUBSCRIBE
		A: PING
		C: HELLO 3
		C: SSUBSCRIBE q
		B: SPUBLISH q hi
		C: SUNSUBSCRIBE zz
		C: SUNSUBSCRIBE
		C: SUNSUBSCRIBE
		B: SSUBSCRIBE
		B: SPUBLISH`
	var logs []string
	for _, tg := range targets(t) {
		s := newSession(t, tg.addr)
		for _, l := range strings.Split(strings.TrimSpace(lines), "\n") {
			s.run(strings.TrimSpace(l))
		}
		logs = append(logs, clientFields.ReplaceAllString(s.log.String(), ""))
		stats := s.conn("B").Do("INFO", "stats")
		if !strings.Contains(stats, "pubsub_channels:0\r\npubsub_patterns:1\r\npubsubshard_channels:0\r\n") {
			t.Errorf("%s: INFO stats' Pub/Sub counts after the unsubscribes: %q", tg.name, stats)
		}
	}
	if len(logs) == 2 && logs[0] != logs[1] {
		t.Errorf("gocache and redis differ.\ngocache:\n%s\nredis:\n%s", logs[0], logs[1])
	}
	if !strings.Contains(logs[0], `smessage\r\n$1\r\na\r\n$5\r\nhello`) {
		t.Errorf("no smessage delivered:\n%s", logs[0])
	}
}
