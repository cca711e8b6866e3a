export { default } from './lifecert-schedule.ts';
