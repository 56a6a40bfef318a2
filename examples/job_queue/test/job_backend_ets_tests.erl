%% The ETS backend against the backend contract; needs no server.
-module(job_backend_ets_tests).

-include_lib("eunit/include/eunit.hrl").

ets_contract_test_() ->
    job_backend_contract:tests(job_backend_ets, #{}).
