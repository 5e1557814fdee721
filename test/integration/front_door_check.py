#!/usr/bin/python3
"""Checks the agent's front door with Python's own xmlrpc.client, as Supvisors' clients do.

Usage: front_door_check.py URL RUNNING_NAMESPEC [--bench N] [--supervisord URL]
Exits 0 when every check passes; prints each failure otherwise. With --bench N, also prints
"latency_ms median=<m> p90=<p>" for N calls of supvisors.get_all_local_process_info. With
--supervisord URL (supervisord's own http://host:port, its processes not changing meanwhile),
every entry of get_all_local_process_info is also compared with what supervisord itself says
(getAllProcessInfo, getAllConfigInfo).
"""
import argparse
import re
import sys
import time
import xmlrpc.client

EXPECTED_TYPES = {
    'group': str, 'name': str, 'state': int, 'statename': str, 'start': int, 'stop': int,
    'now': int, 'pid': int, 'description': str, 'spawnerr': str, 'expected': bool,
    'start_monotonic': float, 'stop_monotonic': float, 'now_monotonic': float,
    'extra_args': str, 'startsecs': int, 'stopwaitsecs': int, 'process_index': int,
    'program_name': str, 'disabled': bool, 'has_stdout': bool, 'has_stderr': bool,
}

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def check_info(info, where):
    check(set(info) == set(EXPECTED_TYPES),
          f'{where}: keys {sorted(info)} != {sorted(EXPECTED_TYPES)}')
    for key, typ in EXPECTED_TYPES.items():
        if key in info:
            # bool is a subclass of int in Python: compare exact types.
            check(type(info[key]) is typ, f'{where}: {key} is {type(info[key]).__name__}, '
                                          f'not {typ.__name__}')


def without_uptime(description):
    """Supervisor's description with the running time blanked (it ticks between two reads)."""
    return re.sub(r'uptime [0-9:]+(?: days?, [0-9:]+)?', 'uptime X', description)


def has_log(logfile):
    """getAllConfigInfo's logfile names a file; 'none' (NONE in the config) or '' do not."""
    return bool(logfile) and logfile.lower() != 'none'


def compare_with_supervisord(infos, supervisord_url):
    """Each entry against supervisord's own getAllProcessInfo and getAllConfigInfo."""
    supervisor = xmlrpc.client.ServerProxy(supervisord_url.rstrip('/') + '/RPC2').supervisor
    truth = {(p['group'], p['name']): p for p in supervisor.getAllProcessInfo()}
    configs = {(c['group'], c['name']): c for c in supervisor.getAllConfigInfo()}
    mine = {(i.get('group'), i.get('name')): i for i in infos}
    check(set(mine) == set(truth), f'namespecs {sorted(mine)} != supervisord {sorted(truth)}')
    for key in sorted(set(mine) & set(truth)):
        info, real, config = mine[key], truth[key], configs.get(key, {})
        where = f'{key[0]}:{key[1]} vs supervisord'
        for field in ('state', 'statename', 'pid', 'start', 'stop', 'spawnerr'):
            check(info.get(field) == real[field],
                  f'{where}: {field} {info.get(field)!r} != {real[field]!r}')
        check(without_uptime(info.get('description', '')) == without_uptime(real['description']),
              f"{where}: description {info.get('description')!r} != {real['description']!r}")
        check(abs(info.get('now', 0) - real['now']) <= 5, f"{where}: now {info.get('now')}")
        for field in ('startsecs', 'stopwaitsecs'):
            check(info.get(field) == config.get(field),
                  f'{where}: {field} {info.get(field)!r} != config {config.get(field)!r}')
        check(info.get('has_stdout') == has_log(config.get('stdout_logfile')),
              f"{where}: has_stdout {info.get('has_stdout')} for {config.get('stdout_logfile')!r}")
        check(info.get('has_stderr') ==
              (has_log(config.get('stderr_logfile')) and not config.get('redirect_stderr')),
              f"{where}: has_stderr {info.get('has_stderr')}")
        if key[0] == key[1]:  # a lone [program:x]: its own group, one process
            check(info.get('program_name') == key[1], f"{where}: program_name")
            check(info.get('process_index') == 0, f"{where}: process_index")
        check(info.get('disabled') is False and info.get('extra_args') == '',
              f'{where}: disabled/extra_args')
        # The *_monotonic times are supervisord's times moved to the agent's monotonic clock.
        for wall, mono in (('start', 'start_monotonic'), ('stop', 'stop_monotonic')):
            if real[wall] == 0:
                check(info.get(mono) == 0, f'{where}: {mono} {info.get(mono)} for {wall} 0')
            else:
                ago_wall = real['now'] - real[wall]
                ago_mono = info.get('now_monotonic', 0) - info.get(mono, 0)
                check(abs(ago_wall - ago_mono) <= 5,
                      f'{where}: {mono} is {ago_mono:.1f} s ago, {wall} {ago_wall} s ago')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('url')
    parser.add_argument('running')
    parser.add_argument('--bench', type=int, default=0)
    parser.add_argument('--supervisord', default='')
    args = parser.parse_args()
    running, bench = args.running, args.bench
    proxy = xmlrpc.client.ServerProxy(args.url)

    check(proxy.supvisors.get_api_version() == '0.19', 'get_api_version')

    infos = proxy.supvisors.get_all_local_process_info()
    check(isinstance(infos, list) and infos, 'get_all_local_process_info: empty')
    for info in infos:
        check_info(info, f"all[{info.get('name')}]")
    if args.supervisord:
        compare_with_supervisord(infos, args.supervisord)

    one = proxy.supvisors.get_local_process_info(running)
    check_info(one, running)
    check(one['statename'] == 'RUNNING', f"{running} statename {one['statename']}")
    check(one['pid'] > 0, f'{running} pid')
    check(one['expected'] is True, f'{running} expected')
    check(one['has_stdout'] is True, f'{running} has_stdout')
    check(abs(one['now_monotonic'] - time.monotonic()) < 5, f'{running} now_monotonic')
    # The time of the answer, as supervisord's getProcessInfo: not that of the last reading.
    check(abs(one['now'] - time.time()) < 5, f'{running} now')

    try:
        proxy.supvisors.get_local_process_info('nope')
        failures.append('get_local_process_info(nope) did not fault')
    except xmlrpc.client.Fault as fault:
        check(fault.faultCode == 10 and fault.faultString == 'BAD_NAME: nope',
              f'BAD_NAME fault: {fault}')

    try:
        proxy.supvisors.no_such_method()
        failures.append('unknown method did not fault')
    except xmlrpc.client.Fault as fault:
        check(fault.faultCode == 1, f'UNKNOWN_METHOD fault: {fault}')

    methods = proxy.system.listMethods()
    for name in ('supervisor.getState', 'supervisor.startProcess', 'system.multicall',
                 'supvisors.get_all_local_process_info'):
        check(name in methods, f'listMethods lacks {name}')

    # Supervisor's multicall convention (P9): bare values, fault structs.
    results = proxy.system.multicall([
        {'methodName': 'supervisor.getState', 'params': []},
        {'methodName': 'supvisors.get_api_version', 'params': []},
        {'methodName': 'supervisor.getProcessInfo', 'params': ['nope']},
        {'methodName': 'supvisors.get_local_process_info', 'params': [running]},
        {'methodName': 'system.multicall', 'params': [[]]},
    ])
    check(len(results) == 5, f'multicall length {len(results)}')
    if len(results) == 5:
        check(results[0].get('statename') == 'RUNNING', f'multicall[0] {results[0]}')
        check(results[1] == '0.19', f'multicall[1] {results[1]}')
        check(results[2].get('faultCode') == 10, f'multicall[2] {results[2]}')
        check(results[3].get('name') is not None, f'multicall[3] {results[3]}')
        check(results[4].get('faultCode') == 2, f'multicall[4] {results[4]}')

    if bench:
        times = []
        for _ in range(bench):
            t0 = time.perf_counter()
            proxy.supvisors.get_all_local_process_info()
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        print(f'latency_ms median={times[len(times) // 2]:.3f} '
              f'p90={times[int(len(times) * 0.9)]:.3f}')

    for f in failures:
        print('FAIL:', f)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
