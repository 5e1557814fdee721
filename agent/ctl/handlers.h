#pragma once
// The supvisors commands about applications and processes (reference §9), one function each:
// what they print is described with each; commands.cc maps the command names to them and
// holds the cluster status commands. Every handler takes the words after the command name,
// checks them (kInvalidArgs with a message saying why) and returns an exit code of ctl.h.

#include "agent/ctl/support.h"

namespace supvisors::ctl {

// --- Reads (process_commands.cc) --------------------------------------------------------------

// application_info [appli ...]: ApplicationInfo of every application or of the named ones.
int applicationInfo(const Context& ctx, const Arguments& args);
// application_rules [appli ...]: ApplicationRules, of every application by default.
int applicationRules(const Context& ctx, const Arguments& args);
// sstatus [proc | appli:* ...]: the cluster-wide ProcessInfo; kStatusNotRunning when a listed
// process is not running, as `status`.
int clusterStatus(const Context& ctx, const Arguments& args);
// process_rules proc|appli:* ... | all: ProcessRules.
int processRules(const Context& ctx, const Arguments& args);
// conflicts: the processes of managed applications running on several instances.
int conflicts(const Context& ctx, const Arguments& args);
// decisions: the agent's decision log (get_decisions, an addition).
int decisions(const Context& ctx, const Arguments& args);
// test_start_application strategy appli / test_start_process strategy proc|appli:*: the
// predictions, one row per process.
int testStartApplication(const Context& ctx, const Arguments& args);
int testStartProcess(const Context& ctx, const Arguments& args);

// --- Control (control_commands.cc) ------------------------------------------------------------

// loglevel level: change_log_level of the agent asked.
int logLevel(const Context& ctx, const Arguments& args);
// conciliate strategy: conciliate (CONCILIATION only, applied by the Master).
int conciliate(const Context& ctx, const Arguments& args);
// restart_sequence, sreload (restart), sshutdown (shutdown): no argument, one call.
int restartSequence(const Context& ctx, const Arguments& args);
int reload(const Context& ctx, const Arguments& args);
int shutdown(const Context& ctx, const Arguments& args);
// start_application strategy [appli ... | all], stop_application [appli ... | all],
// restart_application strategy [appli ... | all]: one call per managed application named;
// an unmanaged one is IGNORED, an unknown one kStatusUnknown. `all` (or no name): start the
// managed applications that are STOPPED, stop those that are not, restart every managed one.
int startApplication(const Context& ctx, const Arguments& args);
int stopApplication(const Context& ctx, const Arguments& args);
int restartApplication(const Context& ctx, const Arguments& args);
// start_process strategy [proc ... | all], stop_process [proc ... | all],
// restart_process strategy [proc ... | all]: one call per name (`group:*` for a group).
// `all` (or no name), looped here: start every process running nowhere, stop every process
// running somewhere, restart every process.
int startProcess(const Context& ctx, const Arguments& args);
int stopProcess(const Context& ctx, const Arguments& args);
int restartProcess(const Context& ctx, const Arguments& args);
// start_process_args strategy proc arg...: start_process with the words after proc as
// extra_args.
int startProcessArgs(const Context& ctx, const Arguments& args);
// start_any_process strategy regex ...: one start_any_process per regex, in order;
// start_any_process_args strategy regex arg...: one, with extra_args.
int startAnyProcess(const Context& ctx, const Arguments& args);
int startAnyProcessArgs(const Context& ctx, const Arguments& args);

// --- Programs (program_commands.cc) -----------------------------------------------------------

// enable program ..., disable program ...: one call each on the agent asked (local to it);
// disable waits until the program's processes stopped.
int enableProgram(const Context& ctx, const Arguments& args);
int disableProgram(const Context& ctx, const Arguments& args);

// --- Extra arguments to the local supervisord (args_commands.cc) ------------------------------

// start_args proc arg...: supvisors.start_args(proc, "arg ...") on the agent asked (its own
// supervisord), waiting for supervisord's answer.
int startArgs(const Context& ctx, const Arguments& args);
// all_start proc / all_start_args proc arg...: supvisors.start_args(proc, args, False) on the
// agent of every CHECKED or RUNNING instance (get_all_instances_info), one line per instance
// named by its identifier. Deliberately makes duplicates (Supvisors). all_start passes ''
// rather than calling supervisor.startProcess: a wrapped program then never starts with the
// stale arguments of an earlier start.
int allStart(const Context& ctx, const Arguments& args);
int allStartArgs(const Context& ctx, const Arguments& args);

// --- Statistics (stats_commands.cc) -----------------------------------------------------------

// stats_status: get_statistics_status of the agent asked (its collector).
int statsStatus(const Context& ctx, const Arguments& args);
// enable_stats / disable_stats [host] [process] | all (none: both): the collector of the agent
// asked starts or stops collecting, one line per kind.
int enableStats(const Context& ctx, const Arguments& args);
int disableStats(const Context& ctx, const Arguments& args);
// stats_period period: the agent's collector samples every `period` seconds ([1;3600]).
int statsPeriod(const Context& ctx, const Arguments& args);
// stats_top [n]: a top-like view, every instance's host and the n (20) processes using the
// most CPU over the shortest period (Solaris mode unless stats_irix_mode).
int statsTop(const Context& ctx, const Arguments& args);

}  // namespace supvisors::ctl
