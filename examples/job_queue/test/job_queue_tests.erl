%% job_queue dispatches to the backend modules and defaults to ETS.
-module(job_queue_tests).

-include_lib("eunit/include/eunit.hrl").

dispatch_test_() ->
    {setup,
     fun() ->
             application:unset_env(job_queue, backend),
             {ok, _} = job_queue:start_link(),
             ok
     end,
     fun(_) -> gen_server:stop(job_backend_ets) end,
     [{"ETS is the default backend",
       ?_assertEqual(ets, job_queue:default_backend())},
      {"every backend has its module",
       fun() ->
               [?assertEqual({ok, list_to_atom("job_backend_" ++ atom_to_list(B))},
                             job_queue:backend_module(B))
                || B <- job_queue:backends()]
       end},
      {"publish, pull and ack through the default backend",
       fun() ->
               {ok, Id} = job_queue:publish(high, payment, #{amount => 100}, 60000),
               {ok, [#{id := Id}]} = job_queue:pull(high, payment, 5),
               ?assertEqual(ok, job_queue:ack(payment, Id)),
               ?assertEqual({ok, []}, job_queue:pull(high, payment, 5))
       end},
      {"publish/2 uses the ontology's default priority",
       fun() ->
               #{default_priority := Priority} = job_queue:settings(),
               {ok, Id} = job_queue:publish(billing, #{invoice => 7}),
               {ok, [#{id := Id}]} = job_queue:pull(ets, Priority, billing, 5),
               ok = job_queue:ack(ets, billing, Id)
       end},
      {"an unknown backend is an error value",
       ?_assertEqual({error, {unknown_backend, carrier_pigeon}},
                     job_queue:pull(carrier_pigeon, high, payment, 1))},
      {"a backend that is not running is an error value",
       ?_assertMatch({error, {not_started, _}},
                     job_queue:pull(redis, high, payment, 1))}]}.
