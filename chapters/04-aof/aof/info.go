package aof

import (
	"bytes"
	"strconv"
)

// RewriteInfo is the rewrite state INFO persistence shows. Chapter 04 has
// no rewrite, so it always passes IdleRewrite().
type RewriteInfo struct {
	InProgress          bool
	Scheduled           bool
	LastTimeSec         int64 // -1 when there was none
	CurrentTimeSec      int64 // -1 when none is running
	LastStatusOK        bool
	Rewrites            int64
	ConsecutiveFailures int64
	Pending             bool // aof_pending_rewrite
}

// IdleRewrite is the state of a server that never rewrote its AOF.
func IdleRewrite() RewriteInfo {
	return RewriteInfo{LastTimeSec: -1, CurrentTimeSec: -1, LastStatusOK: true}
}

// WriteInfo writes the AOF lines of INFO persistence in Redis 7.0's order
// and format, after the loading state. a is nil when appendonly is no.
// A server with RDB snapshots (chapter 12) writes its lines in between:
// WriteLoadingInfo, then them, then WriteAOFInfo.
func WriteInfo(b *bytes.Buffer, a *Appender, rw RewriteInfo) {
	WriteLoadingInfo(b)
	WriteAOFInfo(b, a, rw)
}

// WriteLoadingInfo writes the first lines of INFO persistence: data is
// loaded before clients are accepted, so never loading.
func WriteLoadingInfo(b *bytes.Buffer) {
	b.WriteString("loading:0\r\nasync_loading:0\r\n")
}

// WriteAOFInfo writes the aof_ lines of INFO persistence.
func WriteAOFInfo(b *bytes.Buffer, a *Appender, rw RewriteInfo) {
	line := func(k, v string) {
		b.WriteString(k)
		b.WriteByte(':')
		b.WriteString(v)
		b.WriteString("\r\n")
	}
	num := func(k string, v int64) { line(k, strconv.FormatInt(v, 10)) }
	flag := func(k string, v bool) {
		if v {
			line(k, "1")
		} else {
			line(k, "0")
		}
	}
	status := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "err"
	}
	flag("aof_enabled", a != nil)
	flag("aof_rewrite_in_progress", rw.InProgress)
	flag("aof_rewrite_scheduled", rw.Scheduled)
	num("aof_last_rewrite_time_sec", rw.LastTimeSec)
	num("aof_current_rewrite_time_sec", rw.CurrentTimeSec)
	line("aof_last_bgrewrite_status", status(rw.LastStatusOK))
	num("aof_rewrites", rw.Rewrites)
	num("aof_rewrites_consecutive_failures", rw.ConsecutiveFailures)
	line("aof_last_write_status", status(a == nil || a.Err() == nil))
	num("aof_last_cow_size", 0)
	num("module_fork_in_progress", 0)
	num("module_fork_last_cow_size", 0)
	if a == nil {
		return
	}
	num("aof_current_size", a.Size())
	num("aof_base_size", a.BaseSize())
	flag("aof_pending_rewrite", rw.Pending)
	num("aof_buffer_length", int64(a.Pending()))
	flag("aof_pending_bio_fsync", a.FsyncInProgress())
	num("aof_delayed_fsync", 0)
}
