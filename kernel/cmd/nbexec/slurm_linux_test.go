//go:build linux

package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// slurmCluster starts a single-node Slurm cluster on this machine for the
// test: a munged with its own key and socket, a slurmctld and a slurmd on
// free ports, all state, spool and logs under a temporary directory, and
// returns the environment in which Slurm's client commands talk to it
// (SLURM_CONF). Every daemon it starts is killed when the test ends.
//
// It needs root (slurmd runs the tasks) and Debian's slurmctld, slurmd,
// slurm-client and munge. Without them it skips, saying so, except in CI
// (CI=true), where it fails: .ci/run installs them.
func slurmCluster(t *testing.T) []string {
	t.Helper()
	var missing []string
	for _, c := range []string{"munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo"} {
		if _, err := exec.LookPath(c); err != nil {
			if _, err := os.Stat(filepath.Join("/usr/sbin", c)); err != nil {
				missing = append(missing, c)
			}
		}
	}
	why := ""
	switch {
	case len(missing) > 0:
		why = "Slurm is not installed (missing " + strings.Join(missing, ", ") + "; apt-get install slurmctld slurmd slurm-client munge)"
	case os.Geteuid() != 0:
		why = "starting a Slurm cluster needs root"
	}
	if why != "" {
		if os.Getenv("CI") == "true" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	host, _, _ = strings.Cut(host, ".")
	// Under /tmp, not t.TempDir(): munged's socket path must be short.
	dir, err := os.MkdirTemp("", "slurm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	for _, d := range []string{"munge", "state", "spool", "log"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	key := make([]byte, 1024)
	rand.Read(key)
	keyFile := filepath.Join(dir, "munge", "munge.key")
	if err := os.WriteFile(keyFile, key, 0o400); err != nil {
		t.Fatal(err)
	}
	socket := filepath.Join(dir, "munge", "munge.socket")
	start(t, "munged", "-F", "--force", "--socket="+socket, "--key-file="+keyFile,
		"--pid-file="+filepath.Join(dir, "munge", "munged.pid"), "--log-file="+filepath.Join(dir, "log", "munged.log"),
		"--seed-file="+filepath.Join(dir, "munge", "munged.seed"))
	waitFor(t, "munged's socket", 10*time.Second, func() bool { _, err := os.Stat(socket); return err == nil })

	u, _ := user.Current()
	ctlPort, dPort := freePort(t), freePort(t)
	conf := filepath.Join(dir, "slurm.conf")
	cfg := fmt.Sprintf(`ClusterName=noethertest
SlurmctldHost=%[1]s
SlurmctldPort=%[2]d
SlurmdPort=%[3]d
SlurmUser=%[4]s
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=%[5]s
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
StateSaveLocation=%[6]s/state
SlurmdSpoolDir=%[6]s/spool
SlurmctldPidFile=%[6]s/slurmctld.pid
SlurmdPidFile=%[6]s/slurmd.pid
SlurmctldLogFile=%[6]s/log/slurmctld.log
SlurmdLogFile=%[6]s/log/slurmd.log
NodeName=%[1]s CPUs=%[7]d RealMemory=100 State=UNKNOWN
PartitionName=test Nodes=%[1]s Default=YES MaxTime=INFINITE State=UP
`, host, ctlPort, dPort, u.Username, socket, dir, min(2, runtime.NumCPU()))
	if err := os.WriteFile(conf, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	// CPUs and RealMemory must not exceed what slurmd finds, or it drains
	// the node ("Low RealMemory", "Low socket*core*thread count") and no
	// task ever starts: at most 2 CPUs, as the machine has, and a nominal
	// 100 MB (memory is not a consumable resource under CR_Core, so the
	// number only has to be below the machine's).
	// cgroup.conf beside slurm.conf: nothing of cgroups is used
	// (proctrack/linuxproc, task/none), so a container without a writable
	// cgroup hierarchy serves.
	os.WriteFile(filepath.Join(dir, "cgroup.conf"), []byte("CgroupAutomount=no\n"), 0o644)
	env := append(os.Environ(), "SLURM_CONF="+conf)
	// Last of all: whatever still carries this cluster's SLURM_CONF in its
	// environment (slurmstepd, a task, the kernel a task started) is
	// killed, so that nothing of the cluster outlives the test, even one
	// that failed halfway.
	t.Cleanup(func() { killCarrying("SLURM_CONF=" + conf) })
	startEnv(t, env, "slurmctld", "-D", "-c", "-f", conf)
	startEnv(t, env, "slurmd", "-D", "-f", conf, "-N", host)
	// First, before the daemons stop: every job of this cluster cancelled.
	t.Cleanup(func() {
		cmd := exec.Command("scancel", "--full", "--user="+u.Username)
		cmd.Env = env
		cmd.Run()
	})
	waitFor(t, "the node to be idle (sinfo)", 60*time.Second, func() bool {
		cmd := exec.Command("sinfo", "-h", "-o", "%T")
		cmd.Env = env
		out, _ := cmd.Output()
		return strings.TrimSpace(string(out)) == "idle"
	})
	t.Logf("Slurm cluster up: node %s, slurmctld port %d, config %s", host, ctlPort, conf)
	return env
}

func start(t *testing.T, name string, args ...string) { startEnv(t, os.Environ(), name, args...) }

// startEnv starts a daemon in the foreground, in a process group of its
// own, and kills the group when the test ends.
func startEnv(t *testing.T, env []string, name string, args ...string) {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		path = filepath.Join("/usr/sbin", name)
	}
	cmd := exec.Command(path, args...)
	cmd.Env = env
	log, err := os.CreateTemp("", name+"-*.out")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		if t.Failed() {
			b, _ := os.ReadFile(log.Name())
			t.Logf("%s output:\n%s", name, tail(string(b), 30))
		}
		log.Close()
		os.Remove(log.Name())
	})
}

// killCarrying kills every process whose environment holds entry.
func killCarrying(entry string) {
	procs, _ := filepath.Glob("/proc/[0-9]*/environ")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, e := range strings.Split(string(b), "\x00") {
			if e == entry {
				if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p))); err == nil && pid != os.Getpid() {
					syscall.Kill(pid, syscall.SIGKILL)
				}
				break
			}
		}
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// A 6-point sweep runs on a real Slurm cluster as one job array: submitted
// without waiting, gathered later; the 3 points that fail are reported
// with their log; submitted again, only those 3 run.
func TestSweepOnSlurm(t *testing.T) {
	bin, root, _, env := nbexec(t)
	slurmEnv := slurmCluster(t)
	env = append(env, slurmEnv[len(slurmEnv)-1]) // SLURM_CONF
	out := filepath.Join(t.TempDir(), "sweep")
	nb := filepath.Join(root, "testdata", "notebooks", "sweep.ipynb")
	// Each command is bounded, so that a job that never leaves the queue
	// (a drained node) fails the test instead of hanging it until go
	// test's -timeout.
	run := func(args ...string) (string, int) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir, cmd.Env = root, env
		b, err := cmd.CombinedOutput()
		if ctx.Err() != nil {
			t.Fatalf("nbexec %s: still running after 5 minutes:\n%s", strings.Join(args, " "), b)
		}
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(b), code
	}
	// A partition that does not exist: sbatch says so before anything is
	// submitted or run.
	got, code := run("sweep", "-slurm", "-partition", "nope", "-o", out, "-p", "x=1,2", nb)
	if code == 0 || !strings.Contains(got, "--test-only") || !strings.Contains(strings.ToLower(got), "invalid partition") {
		t.Fatalf("a partition that does not exist: exit %d\n%s", code, got)
	}
	if strings.Contains(got, "submitted") {
		t.Fatalf("submitted with a partition that does not exist:\n%s", got)
	}
	grid := []string{"sweep", "-slurm", "-poll", "500ms", "-cpus", "1", "-o", out, "-p", "x=1,2,3", "-p", "label=a,fail"}
	got, code = run(append(grid, "-no-wait", nb)...)
	if code != 0 || !strings.Contains(got, "submitted 6 point(s) as Slurm job array") {
		t.Fatalf("sweep -slurm -no-wait: exit %d\n%s", code, got)
	}
	lines := strings.Split(strings.TrimSpace(got), "\n")
	job := lines[len(lines)-1]
	waitFor(t, "job "+job, 5*time.Minute, func() bool {
		cmd := exec.Command("squeue", "-h", "-j", job, "-t", "PD,R,CG,CF")
		cmd.Env = env
		b, err := cmd.Output()
		return err == nil && strings.TrimSpace(string(b)) == ""
	})
	got, code = run("gather", out)
	t.Logf("gather:\n%s", got)
	if code != 1 || !strings.Contains(got, "sweep: 3 done, 3 failed, 0 missing") {
		t.Fatalf("gather: exit %d, want 1 with 3 done and 3 failed", code)
	}
	for _, want := range []string{"FAILED x=1_label=fail (point 1: x=1 label=fail)", filepath.Join(out, "logs", "1.log"), "failing on purpose"} {
		if !strings.Contains(got, want) {
			t.Errorf("gather's report lacks %q", want)
		}
	}
	csv, err := os.ReadFile(filepath.Join(out, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// y = x² + seed, seed = 1 by default.
	for _, want := range []string{"x=2_label=a,done,points/x=2_label=a.ipynb,2,a,5,a\n", "x=3_label=fail,failed,points/x=3_label=fail.partial.ipynb,3,fail,,\n"} {
		if !strings.Contains(string(csv), want) {
			t.Errorf("results.csv lacks %q:\n%s", want, csv)
		}
	}
	done := filepath.Join(out, "points", "x=1_label=a.ipynb")
	before, err := os.Stat(done)
	if err != nil {
		t.Fatal(err)
	}
	// Again, waiting: only the 3 failed points are submitted.
	got, code = run(append(grid, nb)...)
	t.Logf("again:\n%s", got)
	if code != 1 || !strings.Contains(got, "6 points, 3 done already, 3 to run") || !strings.Contains(got, "submitted 3 point(s)") {
		t.Fatalf("sweep -slurm again: exit %d", code)
	}
	if after, _ := os.Stat(done); !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("a point done was run again")
	}
	if b, _ := os.ReadFile(filepath.Join(out, "slurm", "job.sh")); !strings.Contains(string(b), "sweep-task") {
		t.Errorf("job.sh:\n%s", b)
	}
}
