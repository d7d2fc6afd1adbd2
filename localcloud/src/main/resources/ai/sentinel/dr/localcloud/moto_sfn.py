"""Step Functions, patched by moto_launcher.py: what moto 5.2.1 answers, what AWS does, what we answer.

  F1 Step Functions: after any execution exists, the next StartExecution fails with `TypeError: cannot pickle
     '_thread.RLock' object` (getmoto/moto#10077, fixed upstream after 5.2.1 by #10093).
  F10 Step Functions SendTaskFailure drops `cause`: moto's response handler passes only `error` to the backend, so
     the waiting state fails with an empty Cause (TaskFailed event, a Catch's {"Error", "Cause"}, the execution's
     cause). AWS keeps the cause the caller sent (up to 32768 characters). We pass it on.
  F12 Step Functions engine speed: moto evaluates every JSONPath of a state (InputPath, Parameters' "x.$", a Choice's
     Variable, ResultPath, OutputPath) by building a new jsonpath-ng parser, i.e. PLY's LALR tables from scratch
     (write_tables=0), for each evaluation: 16 ms of CPU per extended-syntax path (4 ms for ResultPath's). A chain of
     30 Choice states took 0.5 s on 2 cores at load 5 and 4.8 s at load 12, where AWS moves from state to state in
     milliseconds (bench/overhead.sh, issue 15). We build each parser once (a new path then parses in 0.3 ms) and
     reuse each distinct path's parsed expression (jsonpath-ng expressions keep no state between find/update calls,
     so threads can share them): the same chain takes 0.04-0.08 s. Same answers, same history; only faster. Each
     Lambda task also builds a new boto3 client (10-25 ms; a cached one reused a keep-alive connection the gateway
     had closed and failed a drill's step, so that stays as moto does it), and the first one loaded the Lambda model
     (0.2-0.4 s): we load it once at start, in the background.
"""
import copy
import functools
import sys
import threading

from jsonpath_ng.ext.parser import ExtendedJsonPathParser
from jsonpath_ng.parser import JsonPathParser
from moto.core.responses import EmptyResult
from moto.stepfunctions import models as sfn_models
from moto.stepfunctions import responses as sfn_responses
from moto.stepfunctions.parser.asl.component.common.path import result_path as sfn_result_path
from moto.stepfunctions.parser.asl.utils import json_path as sfn_json_path

from moto_base import DEFAULT_REGION


# ---- F1: Step Functions deep copy -------------------------------------------------------------------------------

def _deepcopy(self, memo):
    # the clone is a snapshot of the definition: live executions and the backend are shared, not copied
    memo[id(self.executions)] = []
    if hasattr(self, "backend"):
        memo[id(self.backend)] = self.backend
    clone = self.__class__.__new__(self.__class__)
    memo[id(self)] = clone
    for key, value in self.__dict__.items():
        setattr(clone, key, copy.deepcopy(value, memo))
    return clone


sfn_models.StateMachine.__deepcopy__ = _deepcopy


# ---- F10: Step Functions SendTaskFailure's cause --------------------------------------------------------------------

def _send_task_failure(self):
    # moto 5.2.1 reads only taskToken and error; the backend (the ASL interpreter) already takes a cause
    self.stepfunction_backend.send_task_failure(self._get_param("taskToken"), error=self._get_param("error"),
                                                cause=self._get_param("cause"))
    return EmptyResult()


sfn_responses.StepFunctionResponse.send_task_failure = _send_task_failure


# ---- F12: Step Functions JSONPath parsing, once per distinct path ---------------------------------------------------

def _parse_once(parser_class):
    """jsonpath-ng's parse(path) with one parser (its tables built once), used under a lock (a PLY parser keeps its
    stacks on itself while parsing), and each distinct path parsed once."""
    lock = threading.Lock()
    parser = []

    @functools.lru_cache(maxsize=4096)
    def parse(path):
        with lock:
            if not parser:
                parser.append(parser_class())
            return parser[0].parse(path)
    return parse


# both modules call the name they imported at each evaluation: replacing it there is enough
sfn_json_path.parse = _parse_once(ExtendedJsonPathParser)
sfn_result_path.parse = _parse_once(JsonPathParser)


def load_lambda_model():
    # the first boto3 client of a service loads its model (0.2-0.4 s on a loaded machine): loaded at start, the first
    # Lambda task of a recovery does not pay it; the engine still builds its own client per task, as moto does
    try:
        from moto.stepfunctions.parser.asl.utils.boto_client import boto_client_for
        boto_client_for(region=DEFAULT_REGION, service="lambda")
    except Exception as e:  # only slower without it
        sys.stderr.write("lambda model not preloaded: {0!r}\n".format(e))
