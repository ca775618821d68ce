//go:build !linux

package admin

import (
	"bytes"
	"runtime"
)

// osName is INFO's "os" where there is no uname to ask.
func osName() string { return runtime.GOOS }

// systemMemory is unknown off Linux.
func systemMemory() uint64 { return 0 }

// infoCPU has no getrusage to read off Linux.
func infoCPU(b *bytes.Buffer) {
	for _, k := range []string{"used_cpu_sys", "used_cpu_user", "used_cpu_sys_children", "used_cpu_user_children"} {
		kv(b, k, "0.000000")
	}
}
