package admin

import (
	"bytes"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// osName is INFO's "os": kernel name, release and machine, like uname -srm.
func osName() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return "Linux"
	}
	return unix.ByteSliceToString(u.Sysname[:]) + " " + unix.ByteSliceToString(u.Release[:]) + " " + unix.ByteSliceToString(u.Machine[:])
}

// systemMemory is the machine's RAM from sysinfo(2).
func systemMemory() uint64 {
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) != nil {
		return 0
	}
	return uint64(si.Totalram) * uint64(si.Unit)
}

// infoCPU reports getrusage(2) in seconds, as Redis does.
func infoCPU(b *bytes.Buffer) {
	var self, children syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	sec := func(t syscall.Timeval) string { return fmt.Sprintf("%d.%06d", t.Sec, t.Usec) }
	kv(b, "used_cpu_sys", sec(self.Stime))
	kv(b, "used_cpu_user", sec(self.Utime))
	kv(b, "used_cpu_sys_children", sec(children.Stime))
	kv(b, "used_cpu_user_children", sec(children.Utime))
}
