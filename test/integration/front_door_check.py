#!/usr/bin/python3
"""Checks the agent's front door with Python's own xmlrpc.client, as Supvisors' clients do.

Usage: front_door_check.py URL RUNNING_NAMESPEC [--bench N]
Exits 0 when every check passes; prints each failure otherwise. With --bench N, also prints
"latency_ms median=<m> p90=<p>" for N calls of supvisors.get_all_local_process_info.
"""
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


def main():
    url, running = sys.argv[1], sys.argv[2]
    bench = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == '--bench' else 0
    proxy = xmlrpc.client.ServerProxy(url)

    check(proxy.supvisors.get_api_version() == '0.19', 'get_api_version')

    infos = proxy.supvisors.get_all_local_process_info()
    check(isinstance(infos, list) and infos, 'get_all_local_process_info: empty')
    for info in infos:
        check_info(info, f"all[{info.get('name')}]")

    one = proxy.supvisors.get_local_process_info(running)
    check_info(one, running)
    check(one['statename'] == 'RUNNING', f"{running} statename {one['statename']}")
    check(one['pid'] > 0, f'{running} pid')
    check(one['expected'] is True, f'{running} expected')
    check(one['has_stdout'] is True, f'{running} has_stdout')
    check(abs(one['now_monotonic'] - time.monotonic()) < 5, f'{running} now_monotonic')
    check(abs(one['now'] - time.time()) < 60, f'{running} now')

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
