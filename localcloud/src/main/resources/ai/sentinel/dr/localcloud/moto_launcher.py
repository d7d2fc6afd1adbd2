"""moto_server with a fix for getmoto/moto#10077 (fixed upstream after 5.2.1 by #10093).

After any execution exists, the next StartExecution fails with
`TypeError: cannot pickle '_thread.RLock' object`, because start_execution deep-copies the state machine,
which references its live executions and its backend. Same arguments as moto_server: -H 127.0.0.1 -p PORT.
"""
import copy, sys
from moto.stepfunctions import models as sfn_models

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
from moto.server import main
sys.exit(main(sys.argv[1:]))   # same arguments as moto_server: -H 127.0.0.1 -p PORT
