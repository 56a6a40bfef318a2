%% The Redis backend against the backend contract, on a live Redis server.
%%
%% GGEN_TEST_REDIS_URL names the server (the pytest fixture starts one on a
%% loopback port and sets it); without it there is nothing to test against and
%% the suite is empty.
-module(job_backend_redis_tests).

-include_lib("eunit/include/eunit.hrl").

redis_contract_test_() ->
    case os:getenv("GGEN_TEST_REDIS_URL") of
        false ->
            [];
        Url ->
            Prefix = job_backend_contract:unique("eunit:") ++ ":",
            job_backend_contract:tests(
              job_backend_redis,
              #{url => Url, key_prefix => Prefix},
              #{url => "redis://127.0.0.1:1", key_prefix => Prefix})
    end.
